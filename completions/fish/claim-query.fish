# fish completion for claim-query
# Generated from the option definitions by `CLAIMKIT_COMPLETION=fish claim-query`; do not edit.

function __claimkit_claim_query_path
    set -l cmd ''
    set -l skip 0
    for w in (commandline -opc)[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch "$cmd"
            case ''
                switch "$w"
                    case 'build'
                        set cmd 'build'
                    case 'submit'
                        set cmd 'submit'
                end
            case 'build'
                switch "$w"
                    case '--errors' '--config' '--sender-id' '--sender-qualifier' '--sender-name' '--receiver-id' '--receiver-qualifier' '--control-number' '--control-file' '--max-claims' '--out-dir' '--trace-field'
                        set skip 1
                end
            case 'submit'
                switch "$w"
                    case '--errors'
                        set skip 1
                end
        end
    end
    echo $cmd
end

function __claimkit_claim_query_at
    set -l p (__claimkit_claim_query_path)
    test "$p" = "$argv[1]"
end

complete -c claim-query -n '__claimkit_claim_query_at ""' -f
complete -c claim-query -n '__claimkit_claim_query_at ""' -s h -l help -d 'Print this help message and exit'
complete -c claim-query -n '__claimkit_claim_query_at ""' -l version -d 'Display program version information and exit'
complete -c claim-query -n '__claimkit_claim_query_at ""' -a 'build' -d 'Write claims (NDJSON) as an X12 276 005010X212 claim status request'
complete -c claim-query -n '__claimkit_claim_query_at ""' -a 'submit' -d 'Check claim status over a clearinghouse API'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -s h -l help -d 'Print this help message and exit'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l errors -r -F -d 'Write rejected records and findings as NDJSON to FILE (mode 0600)'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -s q -l quiet -d 'No per-record messages or summary on stderr (the --errors file still gets them)'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l config -r -F -d 'Config file (default $CLAIMKIT_CONFIG or ~/.config/claimkit/config)'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l sender-id -x -d 'Interchange sender id (ISA06, GS02; NM1*41 ETIN)'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l sender-qualifier -x -d 'ISA05 qualifier of the sender id (default ZZ)'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l sender-name -x -d 'Information receiver name (NM1*41), the requesting organisation'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l receiver-id -x -d 'Interchange receiver id (ISA08, GS03)'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l receiver-qualifier -x -d 'ISA07 qualifier of the receiver id (default ZZ)'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l control-number -x -d 'First control number (ISA13, GS06, ST02); later interchanges count up'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l control-file -r -F -d 'Counter file holding the last control number used; taken atomically'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l max-claims -x -d 'At most N claims per interchange (default: all in one)'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l out-dir -x -a '(__fish_complete_directories)' -d 'Write each interchange to DIR/276-<ISA13>.x12 and list the files on stdout as NDJSON'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l trace-field -x -d 'Claim field sent as the TRN02 trace (default claim_id)'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l test -d 'Mark the interchanges as test data (ISA15 T)'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -s h -l help -d 'Print this help message and exit'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l errors -r -F -d 'Write rejected records and findings as NDJSON to FILE (mode 0600)'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -s q -l quiet -d 'No per-record messages or summary on stderr (the --errors file still gets them)'
