# fish completion for status-normalize
# Generated from the option definitions by `CLAIMKIT_COMPLETION=fish status-normalize`; do not edit.

complete -c status-normalize -s h -l help -d 'Print this help message and exit'
complete -c status-normalize -l version -d 'Display program version information and exit'
complete -c status-normalize -l errors -r -F -d 'Write rejected records and findings as NDJSON to FILE (mode 0600)'
complete -c status-normalize -s q -l quiet -d 'No per-record messages or summary on stderr (the --errors file still gets them)'
complete -c status-normalize -l format -x -a 'ndjson table' -d 'Output: ndjson (records) or table (one aligned line per claim)'
complete -c status-normalize -l rules -r -F -d 'Rules file (JSON) that overrides or extends the built-in rules'
complete -c status-normalize -l codes -x -a '(__fish_complete_directories)' -d 'Directory of official code list CSV exports; their labels win (default $CLAIMKIT_CODES_DIR)'
complete -c status-normalize -l print-rules -d 'Print the effective rules as JSON and exit'
