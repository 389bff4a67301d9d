# fish completion for ringlet: the part that runs when Tab is pressed. The tables (#@TABLES@: command
# words, options, what each argument takes) are generated from the command tree by
# src/shell/completions-gen.ts. Profiles, providers and key aliases are read from disk: no node process.
# Sections match shell/completion.bash and shell/completion.zsh.

# Generated from the command tree by src/shell/completions-gen.ts; edit shell/completion.* instead.
function __ringlet_static --argument-names kind
    switch $kind
        case agent
            printf '%s\n' claude codex grok droid opencode gemini
        case provider
            printf '%s\n' anthropic openai minimax openrouter groq xai zai moonshot google custom bedrock vertex self
    end
end
function __ringlet_children --argument-names p
    switch $p
        case ''
            printf '%s\t%s\n' 'agents' 'list, ls' 'alias' 'add, list, rm' 'allow' 'Trust the .ringlet.toml or .ringlet-profile of a directory, as its content is now' 'attach' 'Attach this terminal to a session: its current screen, then live' 'audit' 'query, tail, verify' 'completions' 'Print the completion script for bash, zsh or fish' 'daemon' 'Run the daemon in the foreground: detachable sessions, the HTTP/WebSocket API, the dashboard' 'dashboard' 'Open the web dashboard: spend, profiles, live sessions in the browser' 'deny' 'Stop trusting a .ringlet.toml or .ringlet-profile (undo `ringlet allow`)' 'hooks' 'add, list, remove, rm, test' 'import' 'Import an agent\'s usage history (and, with --to, its state) from its own logs' 'init' 'Detect installed agents, import their existing logs, create a first profile' 'keychain' 'list, ls, remove, rm, set' 'migrate' 'Turn shell aliases, exported keys, .envrc files and wrapper scripts into profiles' 'profiles' 'create, env, list, ls, remove, rm, run, set, show' 'providers' 'list, ls' 'remotes' 'List remote daemons (and the built-in "local")' 'revoke' 'Stop trusting a .ringlet.toml or .ringlet-profile (undo `ringlet allow`)' 'sandbox' 'check' 'sessions' 'List sessions: running, ended (with exit status and end time) and lost' 'shell' 'init' 'usage' 'Show tokens and cost across every agent, provider and profile'
        case 'agents'
            printf '%s\t%s\n' 'list' 'List the agents ringlet knows, which are installed, and their versions' 'ls' 'List the agents ringlet knows, which are installed, and their versions'
        case 'alias'
            printf '%s\t%s\n' 'add' 'Add a shell alias that runs a profile\'s agent' 'list' 'List shell aliases and the profile each one runs' 'rm' 'Remove a shell alias'
        case 'audit'
            printf '%s\t%s\n' 'query' 'List audit events: key reads, hook and sandbox denials, sessions, auth failures, migrations' 'tail' 'Show the latest audit events; -f keeps printing new ones as they are appended' 'verify' 'Check the audit log\'s hash chain: any edited, deleted or reordered row is named'
        case 'daemon'
            printf '%s\t%s\n' 'install' 'Run the daemon at login: a systemd user unit (Linux) or a launchd agent (macOS)' 'rotate-token' 'Replace the API token; the old one stops working at once' 'start' 'Start the daemon in the background (if it is not running) and say where it listens' 'status' 'Is the daemon running? Its pid, version, address, sessions and clients' 'stop' 'Stop the daemon; refused while sessions run, unless --force (which ends them)'
        case 'hooks'
            printf '%s\t%s\n' 'add' 'Add a hook: a shell command, webhook or sandboxed script run on an event' 'list' 'List hooks: global ones and each profile\'s' 'remove' 'Remove a hook (by the name `hooks list` shows)' 'rm' 'Remove a hook (by the name `hooks list` shows)' 'test' 'Fire a synthetic event at a profile\'s hooks and show what they decide'
        case 'keychain'
            printf '%s\t%s\n' 'list' 'List stored keys by provider and alias (names only, never values)' 'ls' 'List stored keys by provider and alias (names only, never values)' 'remove' 'Delete a stored key' 'rm' 'Delete a stored key' 'set' 'Store a provider key under an alias (OS keychain, or credentials.toml 0600 where none answers)'
        case 'profiles'
            printf '%s\t%s\n' 'create' 'Create a profile: an agent, a provider, a key and a HOME of its own' 'env' 'Print the profile\'s environment as export lines (never the key)' 'list' 'List profiles' 'ls' 'List profiles' 'remove' 'Delete a profile and its HOME (keys stay in the keychain)' 'rm' 'Delete a profile and its HOME (keys stay in the keychain)' 'run' 'Run the profile\'s agent (or any command) with the profile\'s HOME, endpoint, model and key' 'set' 'Change a profile\'s model, provider, key alias, endpoint, binary, sandbox mode or metering' 'show' 'Show one profile (never its key)'
        case 'providers'
            printf '%s\t%s\n' 'list' 'List providers and the wire formats they serve' 'ls' 'List providers and the wire formats they serve'
        case 'remotes'
            printf '%s\t%s\n' 'add' 'Register a remote daemon (a dev box) by URL; its token goes to the keychain' 'attach' 'Attach this terminal to a remote daemon\'s session' 'list' 'List remote daemons (and the built-in "local")' 'ls' 'List remote daemons (and the built-in "local")' 'remove' 'Forget a remote and delete its token from the keychain' 'rm' 'Forget a remote and delete its token from the keychain' 'sessions' 'List a remote daemon\'s sessions'
        case 'sandbox'
            printf '%s\t%s\n' 'check' 'Report whether sandboxed runs work on this machine, and if not, why and how to fix it'
        case 'sessions'
            printf '%s\t%s\n' 'kill' 'End a running session (SIGHUP, then SIGKILL), or remove an ended one from the list' 'list' 'List sessions: running, ended (with exit status and end time) and lost' 'rm' 'End a running session (SIGHUP, then SIGKILL), or remove an ended one from the list'
        case 'shell'
            printf '%s\t%s\n' 'init' 'Print the shell integration: profile by directory, agent wrappers, aliases, completions'
    end
end
function __ringlet_options --argument-names p
    switch $p
        case ''
            printf '%s\t%s\n' '--help' 'Show help' '-h' 'Show help' '--version' 'Show the version' '-v' 'Show the version'
        case 'agents list'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--all' 'Include agents that are not installed' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'agents ls'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--all' 'Include agents that are not installed' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'alias add'
            printf '%s\t%s\n' '--replace' 'Change an alias that already exists' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'alias list'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'alias rm'
            printf '%s\t%s\n' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'allow'
            printf '%s\t%s\n' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'attach'
            printf '%s\t%s\n' '--remote' 'A remote name or URL instead of the local daemon' '--detach-key' 'ctrl-X then d detaches (default ctrl-\\); none turns it off' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'audit query'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--type' 'Only this event type' '--profile' 'Only events of this profile' '--since' 'From: YYYY-MM-DD (UTC), an ISO time, today, yesterday, or relative: 7d, 4w, 3m' '--limit' 'Only the most recent N events' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'audit tail'
            printf '%s\t%s\n' '-f' 'Keep watching for new events (Ctrl-C to stop)' '--follow' 'Keep watching for new events (Ctrl-C to stop)' '-n' 'How many recent events to show first' '--lines' 'How many recent events to show first' '--json' 'One JSON object per line' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'audit verify'
            printf '%s\t%s\n' '--json' 'Print {ok, rows, badId, reason, head, warnings}' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'completions'
            printf '%s\t%s\n' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'daemon'
            printf '%s\t%s\n' '--listen' 'ADDR:PORT to listen on (default 127.0.0.1:8765)' '--stay-alive' 'Never exit for being idle' '--tls-cert' 'PEM certificate: serve HTTPS/WSS' '--tls-key' 'PEM private key for --tls-cert' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'daemon install'
            printf '%s\t%s\n' '--print' 'Print the unit and the commands; install nothing' '--listen' 'ADDR:PORT for the daemon' '--tls-cert' 'PEM certificate (absolute path)' '--tls-key' 'PEM private key (absolute path)' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'daemon rotate-token'
            printf '%s\t%s\n' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'daemon start'
            printf '%s\t%s\n' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'daemon status'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'daemon stop'
            printf '%s\t%s\n' '--force' 'Stop even with live sessions (they end), or terminate a daemon that does not answer' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'dashboard'
            printf '%s\t%s\n' '--no-open' 'Print the sign-in link instead of opening a browser' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'deny'
            printf '%s\t%s\n' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'hooks add'
            printf '%s\t%s\n' '--all-profiles' 'A global hook, for every profile' '--on' 'Event: start, pre-tool-use, tool-use, stop, notify, cost-threshold, daily-rollup' '--shell' 'Shell command to run' '--webhook' 'URL to POST the event to' '--webhook-template' 'JSON body with $RINGLET_* placeholders' '--script' 'JavaScript file run in the sandbox' '--matcher' 'Tool names, e.g. Bash or Bash|Edit (tool events)' '--timeout' 'Seconds (default 2 for pre-tool-use, 10 otherwise)' '--period' 'cost-threshold period: day or month' '--limit' 'cost-threshold: USD, or a percentage with --of' '--of' 'cost-threshold: budget in USD that --limit is a percentage of' '--name' 'Name of the rule (default: <event>-<n>)' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'hooks list'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--all-profiles' 'Only the global hooks' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'hooks remove'
            printf '%s\t%s\n' '--all-profiles' 'Remove a global hook' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'hooks rm'
            printf '%s\t%s\n' '--all-profiles' 'Remove a global hook' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'hooks test'
            printf '%s\t%s\n' '--all-profiles' 'Only the global hooks, with no profile' '--on' 'Event: start, pre-tool-use, tool-use, stop, notify, cost-threshold, daily-rollup' '--tool' 'Tool name for tool events (default Bash)' '--input' 'Tool input as JSON' '--json' 'Print the outcomes as JSON' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'import'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--to' 'Record rows under this profile and copy the agent state into its HOME' '--from' 'The agent\'s data directory to read (default: its usual place)' '--usage-only' 'With --to: import usage only, copy no state' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'init'
            printf '%s\t%s\n' '--yes' 'Accept the defaults without asking' '-y' 'Accept the defaults without asking' '--name' 'Name of the first profile' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'keychain list'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'keychain ls'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'keychain remove'
            printf '%s\t%s\n' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'keychain rm'
            printf '%s\t%s\n' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'keychain set'
            printf '%s\t%s\n' '--from-env' 'Read the key from this environment variable' '--replace' 'Overwrite an existing key' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'migrate'
            printf '%s\t%s\n' '--dry-run' 'Report what would be migrated and change nothing' '--json' 'Print machine-readable JSON' '--yes' 'Apply the default plan without asking' '-y' 'Apply the default plan without asking' '--plan' 'Apply a plan saved from `--dry-run --json` (edited or not)' '--undo' 'Restore the last migration' '--force' 'With --undo: restore files even if they changed since' '--run-key-commands' 'Run the commands keys come from (security, op, pass …) to store the keys' '--config-dirs' 'CLAUDE_CONFIG_DIR / CODEX_HOME dirs: copy (default), move or skip' '--rewrite-exports' 'Also comment out exported keys and URLs now held by profiles' '--rewrite-envrc' 'Also comment out the migrated lines of .envrc files' '--root' 'A project root to search for .envrc files (repeatable)' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'profiles create'
            printf '%s\t%s\n' '--provider' 'Provider id (see `ringlet providers list`)' '--key-alias' 'Keychain alias of the key (default: the profile name)' '--model' 'Model the agent should use' '--endpoint' 'Override the provider\'s base URL' '--custom-endpoint' 'Base URL for provider custom' '--wire' 'Force a wire format: anthropic, openai-chat, openai-responses, gemini' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'profiles env'
            printf '%s\t%s\n' '--shell' 'posix | fish' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'profiles list'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'profiles ls'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'profiles remove'
            printf '%s\t%s\n' '--yes' 'Do not ask' '-y' 'Do not ask' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'profiles rm'
            printf '%s\t%s\n' '--yes' 'Do not ask' '-y' 'Do not ask' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'profiles run'
            printf '%s\t%s\n' '--explain' 'Say which profile is picked and what would run; run nothing' '--detach' 'Start it as a session in the daemon and print its id (attach later with `ringlet attach ID`)' '--sandbox' 'Run inside the sandbox (--no-sandbox: outside it), whatever the profile\'s sandbox mode says' '--remote' 'Run it as a session on a remote daemon (a name from `ringlet remotes list`, a URL, or local) and attach' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'profiles set'
            printf '%s\t%s\n' '--model' 'Model ("" clears)' '--provider' 'Provider id' '--key-alias' 'Keychain alias ("" clears)' '--endpoint' 'Base URL override ("" clears)' '--binary' 'Agent binary path or name ("" clears)' '--sandbox' 'never | remote | always' '--meter' 'on | off' '--share' 'Comma-separated entries of your HOME linked into the profile HOME' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'profiles show'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'providers list'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'providers ls'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'remotes'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'remotes add'
            printf '%s\t%s\n' '--url' 'http(s)://HOST:PORT of the remote daemon' '--token-file' 'Read the token from this file' '--token-stdin' 'Read the token from standard input' '--ca' 'PEM file of the CA or self-signed certificate to trust (https)' '--replace' 'Change an existing remote (URL and token)' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'remotes attach'
            printf '%s\t%s\n' '--detach-key' 'ctrl-X then d detaches (default ctrl-\\); none turns it off' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'remotes list'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'remotes ls'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'remotes remove'
            printf '%s\t%s\n' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'remotes rm'
            printf '%s\t%s\n' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'remotes sessions'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'revoke'
            printf '%s\t%s\n' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'sandbox check'
            printf '%s\t%s\n' '--json' 'Print {ok, reason, fix, platform, bwrap, version, socat, disableUserns}' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'sessions'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--remote' 'A remote name or URL instead of the local daemon' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'sessions kill'
            printf '%s\t%s\n' '--remote' 'A remote name or URL instead of the local daemon' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'sessions list'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--remote' 'A remote name or URL instead of the local daemon' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'sessions rm'
            printf '%s\t%s\n' '--remote' 'A remote name or URL instead of the local daemon' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'shell init'
            printf '%s\t%s\n' '--cmd' 'Name of the shell function that runs ringlet and refreshes the shell (default ringlet)' '--wrap' 'Commands to run inside the selected profile, comma-separated (e.g. claude,codex)' '--no-aliases' 'Do not define the functions of [shell.aliases]' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case 'usage'
            printf '%s\t%s\n' '--json' 'Print machine-readable JSON instead of a table' '--profile' 'Only this profile' '--provider' 'Only this provider (anthropic, openai, …)' '--model' 'Only this model (exact name, or a glob such as claude-sonnet-*)' '--agent' 'Only this agent (claude, codex, …)' '--since' 'First day included: YYYY-MM-DD (UTC), today, yesterday, or relative: 7d, 4w, 3m' '--until' 'Last day included: YYYY-MM-DD (UTC), today, yesterday, or relative: 7d, 4w, 3m' '--by-day' 'One row per UTC day' '--by-model' 'One row per model' '--by-rule' 'One row per routing rule' '--export' 'Write csv or json: every ledger row, or every group with a view' '--help' 'Show help for this command' '-h' 'Show help for this command'
        case '*'
            printf '%s\t%s\n' '--help' 'Show help'
    end
end
function __ringlet_valopt --argument-names p o
    switch "$p|$o"
        case 'attach|--remote'
            echo none
        case 'attach|--detach-key'
            echo none
        case 'audit query|--type'
            echo none
        case 'audit query|--profile'
            echo profile
        case 'audit query|--since'
            echo none
        case 'audit query|--limit'
            echo none
        case 'audit tail|-n'
            echo none
        case 'audit tail|--lines'
            echo none
        case 'daemon|--listen'
            echo none
        case 'daemon|--tls-cert'
            echo none
        case 'daemon|--tls-key'
            echo none
        case 'daemon install|--listen'
            echo none
        case 'daemon install|--tls-cert'
            echo none
        case 'daemon install|--tls-key'
            echo none
        case 'hooks add|--on'
            echo none
        case 'hooks add|--shell'
            echo shell
        case 'hooks add|--webhook'
            echo none
        case 'hooks add|--webhook-template'
            echo none
        case 'hooks add|--script'
            echo none
        case 'hooks add|--matcher'
            echo none
        case 'hooks add|--timeout'
            echo none
        case 'hooks add|--period'
            echo none
        case 'hooks add|--limit'
            echo none
        case 'hooks add|--of'
            echo none
        case 'hooks add|--name'
            echo none
        case 'hooks test|--on'
            echo none
        case 'hooks test|--tool'
            echo none
        case 'hooks test|--input'
            echo none
        case 'import|--to'
            echo profile
        case 'import|--from'
            echo none
        case 'init|--name'
            echo none
        case 'keychain set|--from-env'
            echo none
        case 'migrate|--plan'
            echo none
        case 'migrate|--config-dirs'
            echo none
        case 'migrate|--root'
            echo none
        case 'profiles create|--provider'
            echo provider
        case 'profiles create|--key-alias'
            echo key-alias
        case 'profiles create|--model'
            echo none
        case 'profiles create|--endpoint'
            echo none
        case 'profiles create|--custom-endpoint'
            echo none
        case 'profiles create|--wire'
            echo none
        case 'profiles env|--shell'
            echo shell
        case 'profiles run|--remote'
            echo none
        case 'profiles set|--model'
            echo none
        case 'profiles set|--provider'
            echo provider
        case 'profiles set|--key-alias'
            echo key-alias
        case 'profiles set|--endpoint'
            echo none
        case 'profiles set|--binary'
            echo none
        case 'profiles set|--sandbox'
            echo none
        case 'profiles set|--meter'
            echo none
        case 'profiles set|--share'
            echo none
        case 'remotes add|--url'
            echo none
        case 'remotes add|--token-file'
            echo none
        case 'remotes add|--ca'
            echo none
        case 'remotes attach|--detach-key'
            echo none
        case 'sessions|--remote'
            echo none
        case 'sessions kill|--remote'
            echo none
        case 'sessions list|--remote'
            echo none
        case 'sessions rm|--remote'
            echo none
        case 'shell init|--cmd'
            echo none
        case 'shell init|--wrap'
            echo none
        case 'usage|--profile'
            echo profile
        case 'usage|--provider'
            echo provider
        case 'usage|--model'
            echo none
        case 'usage|--agent'
            echo agent
        case 'usage|--since'
            echo none
        case 'usage|--until'
            echo none
        case 'usage|--export'
            echo none
        case '*'
            return 1
    end
end
function __ringlet_arg --argument-names p n
    switch "$p|$n"
        case 'alias add|1'
            echo profile
        case 'alias rm|0'
            echo shell-alias
        case 'allow|0'
            echo file
        case 'completions|0'
            echo shell
        case 'deny|0'
            echo file
        case 'hooks add|0'
            echo profile
        case 'hooks list|0'
            echo profile
        case 'hooks remove|0'
            echo profile
        case 'hooks rm|0'
            echo profile
        case 'hooks test|0'
            echo profile
        case 'import|0'
            echo agent
        case 'keychain remove|0'
            echo provider
        case 'keychain remove|1'
            echo key-alias
        case 'keychain rm|0'
            echo provider
        case 'keychain rm|1'
            echo key-alias
        case 'keychain set|0'
            echo provider
        case 'keychain set|1'
            echo key-alias
        case 'profiles create|0'
            echo agent
        case 'profiles env|0'
            echo profile
        case 'profiles remove|0'
            echo profile
        case 'profiles rm|0'
            echo profile
        case 'profiles run|0'
            echo profile
        case 'profiles set|0'
            echo profile
        case 'profiles show|0'
            echo profile
        case 'revoke|0'
            echo file
        case 'shell init|0'
            echo shell
    end
end

function __ringlet_values --argument-names kind cur
    set -l home $RINGLET_HOME
    test -n "$home"; or set home $HOME/.ringlet
    set -l cfg $HOME/.config/ringlet
    string match -q -- '/*' "$XDG_CONFIG_HOME"; and set cfg $XDG_CONFIG_HOME/ringlet
    set -l names
    switch $kind
        case profile
            for f in $home/profiles/*/ringlet.toml
                set -a names (string split -r -m2 / -- $f)[2]
            end
        case agent
            set names (__ringlet_static agent)
        case provider
            set names (__ringlet_static provider)
            for f in $cfg/providers/*.toml
                set -a names (string replace -r '^.*/([^/]*)\.toml$' '$1' -- $f)
            end
        case key-alias
            test -r $home/cache/key-aliases; and read -z -l all <$home/cache/key-aliases; and set names (string split \n -- $all)
        case shell-alias
            test -r $home/cache/shell-aliases; and read -z -l all <$home/cache/shell-aliases; and set names (string split \n -- $all)
        case shell
            set names bash zsh fish
        case file
            __fish_complete_path $cur
            return
    end
    string match -r -- '^[A-Za-z0-9][A-Za-z0-9._-]*$' $names
end

# Walks the tokens before the cursor like the bash version; after "--" the rest is completed as a command line.
function __ringlet_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l cpath ''
    set -l npos 0
    set -l want ''
    set -l i 1
    for w in $tokens[2..-1]
        set i (math $i + 1)
        if test -n "$want"
            set want ''
            continue
        end
        if test "$w" = --
            set -l rest $tokens[(math $i + 1)..-1]
            if test (count $rest) -eq 0
                __fish_complete_command $cur
            else
                complete -C (string join ' ' -- (string escape -- $rest) "$cur")
            end
            return
        end
        if string match -q -- '-*' $w
            set want (__ringlet_valopt "$cpath" $w)
            continue
        end
        if test $npos -eq 0; and contains -- $w (__ringlet_children "$cpath" | string replace -r '\t.*' '')
            set cpath (string join ' ' -- $cpath $w | string trim)
            continue
        end
        set npos (math $npos + 1)
    end
    if test -n "$want"
        __ringlet_values $want $cur
        return
    end
    if string match -q -- '-*' $cur
        __ringlet_options "$cpath"
        return
    end
    test $npos -eq 0; and __ringlet_children "$cpath"
    set -l kind (__ringlet_arg "$cpath" $npos)
    test -n "$kind"; and __ringlet_values $kind $cur
end

complete -c ringlet -e
complete -c ringlet -f -a '(__ringlet_complete)'
