# fish completion for x12-parse
# Generated from the option definitions by `CLAIMKIT_COMPLETION=fish x12-parse`; do not edit.

complete -c x12-parse -s h -l help -d 'Print this help message and exit'
complete -c x12-parse -l version -d 'Display program version information and exit'
complete -c x12-parse -l errors -r -F -d 'Write rejected records and findings as NDJSON to FILE (mode 0600)'
complete -c x12-parse -s q -l quiet -d 'No per-record messages or summary on stderr (the --errors file still gets them)'
complete -c x12-parse -l strict -d 'Treat envelope and structure findings as errors: withhold the records of the transaction (group, interchange) they concern and exit 1'
complete -c x12-parse -l segments -d 'Write one record per segment (tag, elements split into components and repetitions, envelope control numbers, position) for any X12 transaction'
