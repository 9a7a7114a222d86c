# fish completion for claim-query
# Generated from the option definitions by `CLAIMKIT_COMPLETION=fish claim-query`; do not edit.

function __claimkit_claim_query_path
    set -l cmd ''
    set -l skip 0
    set -l words (commandline -opc)
    set -e words[1]
    for w in $words
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
                    case 'record'
                        set cmd 'record'
                    case 'send'
                        set cmd 'send'
                    case 'fetch'
                        set cmd 'fetch'
                end
            case 'build'
                switch "$w"
                    case '--errors' '--config' '--sender-id' '--sender-qualifier' '--sender-name' '--receiver-id' '--receiver-qualifier' '--control-number' '--control-file' '--max-claims' '--out-dir' '--trace-field' '--format-in' '--columns'
                        set skip 1
                end
            case 'submit'
                switch "$w"
                    case '--errors' '--api' '--url' '--token-url' '--config' '--jobs' '--rate' '--max-attempts' '--breaker' '--connect-timeout' '--timeout' '--retry-delay' '--retry-max-delay' '--cacert' '--raw' '--max-response-size' '--format-in' '--columns'
                        set skip 1
                end
            case 'record'
                switch "$w"
                    case '--errors' '--csv' '--channel' '--claim-id' '--payer-id' '--text' '--reference' '--status' '--date' '--by'
                        set skip 1
                end
            case 'send'
                switch "$w"
                    case '--errors' '--to' '--config' '--identity' '--known-hosts'
                        set skip 1
                end
            case 'fetch'
                switch "$w"
                    case '--errors' '--into' '--record' '--move-remote' '--config' '--identity' '--known-hosts'
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
complete -c claim-query -n '__claimkit_claim_query_at ""' -a 'submit' -d 'Check claim status over a clearinghouse\'s real-time API (claim status v2 JSON): claim records in, claim_status records out'
complete -c claim-query -n '__claimkit_claim_query_at ""' -a 'record' -d 'Write a status said on the phone or shown on a payer portal as a claim_status record'
complete -c claim-query -n '__claimkit_claim_query_at ""' -a 'send' -d 'Upload 276 batch files to an SFTP directory'
complete -c claim-query -n '__claimkit_claim_query_at ""' -a 'fetch' -d 'Download new files (277, 277CA, 999) from an SFTP directory'
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
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l format-in -x -a 'ndjson csv' -d 'Input format, ndjson or csv; default csv for files named *.csv, else ndjson'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l columns -x -d 'CSV header mapping FIELD=HEADER,..., e.g. claim_id=Claim #,billed_amount=Charges'
complete -c claim-query -n '__claimkit_claim_query_at "build"' -l test -d 'Mark the interchanges as test data (ISA15 T)'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -s h -l help -d 'Print this help message and exit'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l errors -r -F -d 'Write rejected records and findings as NDJSON to FILE (mode 0600)'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -s q -l quiet -d 'No per-record messages or summary on stderr (the --errors file still gets them)'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l api -x -a 'optum stedi' -d 'Clearinghouse API: optum (OAuth2 client credentials) or stedi (API key)'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l url -x -d 'Claim status endpoint (default: the API\'s production URL, or `url` in the config file)'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l token-url -x -d 'OAuth2 token endpoint for --api optum (default: production, or `token_url`)'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l sandbox -d 'For --api optum: Optum\'s sandbox hosts (sandbox-apigw.optum.com) as the defaults'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l config -r -F -d 'Config file with credentials (default $CLAIMKIT_CONFIG or ~/.config/claimkit/config)'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l jobs -x -d 'Requests in flight at once'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l rate -x -d 'At most N requests per second (0: no cap)'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l max-attempts -x -d 'Attempts per claim, the first included'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l breaker -x -d 'Stop the run after N consecutive failed requests (0: never)'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l connect-timeout -x -d 'Seconds to wait for a connection'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l timeout -x -d 'Seconds a whole request may take'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l retry-delay -x -d 'Backoff ceiling before the first retry, doubled each time'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l retry-max-delay -x -d 'Cap on the backoff between attempts'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l cacert -r -F -d 'Verify servers against the CA certificates in FILE (PEM) instead of the system store'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l raw -r -F -d 'Keep every raw API answer as NDJSON in FILE (mode 0600)'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l max-response-size -x -d 'Largest answer body accepted, decompressed (default 16M, or [http] max_response_size)'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l format-in -x -a 'ndjson csv' -d 'Input format, ndjson or csv; default csv for files named *.csv, else ndjson'
complete -c claim-query -n '__claimkit_claim_query_at "submit"' -l columns -x -d 'CSV header mapping FIELD=HEADER,..., e.g. claim_id=Claim #,billed_amount=Charges'
complete -c claim-query -n '__claimkit_claim_query_at "record"' -f
complete -c claim-query -n '__claimkit_claim_query_at "record"' -s h -l help -d 'Print this help message and exit'
complete -c claim-query -n '__claimkit_claim_query_at "record"' -l errors -r -F -d 'Write rejected records and findings as NDJSON to FILE (mode 0600)'
complete -c claim-query -n '__claimkit_claim_query_at "record"' -s q -l quiet -d 'No per-record messages or summary on stderr (the --errors file still gets them)'
complete -c claim-query -n '__claimkit_claim_query_at "record"' -l csv -r -F -d 'Read one status per row from FILE (- for standard input)'
complete -c claim-query -n '__claimkit_claim_query_at "record"' -l channel -x -a 'phone portal' -d 'How the status was learned: phone or portal'
complete -c claim-query -n '__claimkit_claim_query_at "record"' -l claim-id -x -d 'The claim (patient control number)'
complete -c claim-query -n '__claimkit_claim_query_at "record"' -l payer-id -x -d 'The payer\'s id'
complete -c claim-query -n '__claimkit_claim_query_at "record"' -l text -x -d 'The status as it was said or shown'
complete -c claim-query -n '__claimkit_claim_query_at "record"' -l reference -x -d 'The reference number given for the call or look-up'
complete -c claim-query -n '__claimkit_claim_query_at "record"' -l status -x -d 'The status as codes, CATEGORY:CODE[:ENTITY], e.g. F1:65 or R4:21:PR'
complete -c claim-query -n '__claimkit_claim_query_at "record"' -l date -x -d 'Day the status was said (YYYY-MM-DD; default today, local date)'
complete -c claim-query -n '__claimkit_claim_query_at "record"' -l by -x -d 'Who made the call or look-up (default: the user running the tool)'
complete -c claim-query -n '__claimkit_claim_query_at "send"' -s h -l help -d 'Print this help message and exit'
complete -c claim-query -n '__claimkit_claim_query_at "send"' -l errors -r -F -d 'Write rejected records and findings as NDJSON to FILE (mode 0600)'
complete -c claim-query -n '__claimkit_claim_query_at "send"' -s q -l quiet -d 'No per-record messages or summary on stderr (the --errors file still gets them)'
complete -c claim-query -n '__claimkit_claim_query_at "send"' -l to -x -d 'Destination directory sftp://user@host[:port]/dir/'
complete -c claim-query -n '__claimkit_claim_query_at "send"' -l config -r -F -d 'Config file (default $CLAIMKIT_CONFIG or ~/.config/claimkit/config)'
complete -c claim-query -n '__claimkit_claim_query_at "send"' -l identity -r -F -d 'Private key file for the SFTP login (else CLAIMKIT_SFTP_PASSWORD)'
complete -c claim-query -n '__claimkit_claim_query_at "send"' -l known-hosts -r -F -d 'Trusted host keys (default ~/.ssh/known_hosts)'
complete -c claim-query -n '__claimkit_claim_query_at "fetch"' -f
complete -c claim-query -n '__claimkit_claim_query_at "fetch"' -s h -l help -d 'Print this help message and exit'
complete -c claim-query -n '__claimkit_claim_query_at "fetch"' -l errors -r -F -d 'Write rejected records and findings as NDJSON to FILE (mode 0600)'
complete -c claim-query -n '__claimkit_claim_query_at "fetch"' -s q -l quiet -d 'No per-record messages or summary on stderr (the --errors file still gets them)'
complete -c claim-query -n '__claimkit_claim_query_at "fetch"' -l into -x -a '(__fish_complete_directories)' -d 'Local inbox directory the files are written to'
complete -c claim-query -n '__claimkit_claim_query_at "fetch"' -l record -r -F -d 'File recording what was fetched (default DIR/.claimkit-fetched; [sftp] record)'
complete -c claim-query -n '__claimkit_claim_query_at "fetch"' -l delete-remote -d 'Delete each remote file after a verified download'
complete -c claim-query -n '__claimkit_claim_query_at "fetch"' -l move-remote -x -a '(__fish_complete_directories)' -d 'Move each remote file into DIR (remote; relative to the source) after a verified download'
complete -c claim-query -n '__claimkit_claim_query_at "fetch"' -l config -r -F -d 'Config file (default $CLAIMKIT_CONFIG or ~/.config/claimkit/config)'
complete -c claim-query -n '__claimkit_claim_query_at "fetch"' -l identity -r -F -d 'Private key file for the SFTP login (else CLAIMKIT_SFTP_PASSWORD)'
complete -c claim-query -n '__claimkit_claim_query_at "fetch"' -l known-hosts -r -F -d 'Trusted host keys (default ~/.ssh/known_hosts)'
