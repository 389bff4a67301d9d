#!/usr/bin/env bats
# Completions generated from the command tree, driven through each shell's own machinery: bash's
# completion function with COMP_WORDS, zsh's compsys in a pty (zpty), fish's `complete -C`.

load helpers

setup() {
    setup_env
    make_profile work codex
    make_profile acme claude
    # neither of these is a profile: a name ringlet would refuse, and a directory without a manifest
    mkdir -p "$RINGLET_HOME/profiles/bad name" "$RINGLET_HOME/profiles/empty"
    printf 'agent = "claude"\n' >"$RINGLET_HOME/profiles/bad name/ringlet.toml"
    mkdir -p "$XDG_CONFIG_HOME/ringlet/providers" "$RINGLET_HOME/cache"
    printf 'endpoints = { anthropic = "https://llm.example.com" }\n' >"$XDG_CONFIG_HOME/ringlet/providers/mine.toml"
    printf 'personal\nteam\n$(touch pwned)\n' >"$RINGLET_HOME/cache/key-aliases"
}

teardown() {
    teardown_env
}

# complete_bash WORD… : the candidates bash offers when the cursor ends the last word (may be '').
# Node is taken off PATH after loading, so any attempt to start ringlet would fail the test.
complete_bash() {
    bash --norc --noprofile -c '
        eval "$(ringlet shell init bash '"${INIT_ARGS-}"')"
        PATH=/nonexistent
        COMP_WORDS=("$@")
        COMP_CWORD=$(( $# - 1 ))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        spec=$(complete -p "$1")
        [[ $spec == "complete -F _ringlet $1" ]] || { echo "not registered: $spec"; exit 1; }
        _ringlet "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"' _ "$@" | LC_ALL=C sort -u
}

complete_zsh() {
    timeout 30 zsh "$REPO/test/shell/zsh-complete.zsh" "$@" | LC_ALL=C sort -u
}

complete_fish() {
    fish --no-config -c 'ringlet shell init fish '"${INIT_ARGS-}"' | source; set PATH /nonexistent; complete -C $argv[1]' "$1" | cut -f1 | LC_ALL=C sort -u
}

lines() {
    printf '%s\n' "$@" | LC_ALL=C sort -u
}

@test "bash completes commands, subcommands, options and values" {
    assert_eq "$(complete_bash ringlet pro)" "$(lines profiles providers)"
    assert_eq "$(complete_bash ringlet profiles r)" "$(lines remove rm run)"
    assert_eq "$(complete_bash ringlet shell init --)" "$(lines --cmd --help --no-aliases --wrap)"
    assert_eq "$(complete_bash ringlet shell init '')" "$(lines bash fish zsh)"
    assert_eq "$(complete_bash ringlet profiles run '')" "$(lines acme work)"
    assert_eq "$(complete_bash ringlet profiles run --explain w)" "$(lines work)"
    assert_eq "$(complete_bash ringlet profiles create '')" "$(lines claude codex droid gemini grok opencode)"
    assert_eq "$(complete_bash ringlet profiles create claude x --provider m)" "$(lines mine minimax moonshot)"
    assert_eq "$(complete_bash ringlet keychain set anthropic '')" "$(lines personal team)"
    assert_eq "$(complete_bash ringlet usage --profile a)" "$(lines acme)"
    assert_eq "$(find "$T" -name 'pwned*' | wc -l)" 0
}

@test "bash completes the --cmd function too" {
    INIT_ARGS='--cmd rl' run complete_bash rl pro
    assert_eq "$output" "$(lines profiles providers)"
}

@test "zsh completes commands with descriptions, options and values (compsys in a pty)" {
    assert_eq "$(complete_zsh 'ringlet pro')" "$(lines profiles providers)"
    assert_eq "$(complete_zsh 'ringlet shell init --')" "$(lines --cmd --help --no-aliases --wrap)"
    assert_eq "$(complete_zsh 'ringlet profiles run ')" "$(lines acme work)"
    assert_eq "$(complete_zsh 'ringlet profiles create claude x --provider m')" "$(lines mine minimax moonshot)"
    assert_eq "$(complete_zsh 'ringlet keychain set anthropic ')" "$(lines personal team)"
    assert_eq "$(complete_zsh 'rl shell ' --cmd rl)" "init"
    run env ZSH_COMPLETE_DESC=1 zsh "$REPO/test/shell/zsh-complete.zsh" 'ringlet al'
    assert_contains "$output" "Trust the .ringlet.toml or .ringlet-profile of a directory"
    assert_eq "$(find "$T" -name 'pwned*' | wc -l)" 0
}

@test "zsh: completions/_ringlet works from fpath with compinit" {
    run timeout 30 zsh -f -c '
        zmodload zsh/zpty
        zpty -b z zsh -f -i
        zpty -w z "PS1= PROMPT_EOL_MARK=; fpath=($REPO/completions \$fpath); autoload -Uz compinit; compinit -u -D"
        zpty -w z "print -r -- READY-\$((1+1))"
        zpty -r z line "*READY-2*"
        zpty -w -n z "ringlet completions "$'\''\t'\''
        sleep 0.5
        zpty -w z "x"
        zpty -r z line "*fish*"
        print -r -- "$line" | grep -q "bash" && print ok'
    assert_eq "$output" ok
}

@test "fish completes commands with descriptions, options and values" {
    assert_eq "$(complete_fish 'ringlet pro')" "$(lines profiles providers)"
    assert_eq "$(complete_fish 'ringlet shell init --')" "$(lines --cmd --help --no-aliases --wrap)"
    assert_eq "$(complete_fish 'ringlet profiles run ')" "$(lines acme work)"
    assert_eq "$(complete_fish 'ringlet profiles create claude x --provider m')" "$(lines mine minimax moonshot)"
    assert_eq "$(complete_fish 'ringlet keychain set anthropic ')" "$(lines personal team)"
    INIT_ARGS='--cmd rl' run complete_fish 'rl alias '
    assert_eq "$output" "$(lines add list rm)"
    run fish --no-config -c 'ringlet shell init fish | source; complete -C "ringlet al"'
    assert_contains "$output" $'allow\tTrust the .ringlet.toml or .ringlet-profile of a directory'
    assert_eq "$(find "$T" -name 'pwned*' | wc -l)" 0
}

@test "alias rm completes the aliases recorded by alias add" {
    ringlet alias add claude-acme acme >/dev/null
    ringlet alias add codex-work work >/dev/null
    assert_eq "$(complete_bash ringlet alias rm '')" "$(lines claude-acme codex-work)"
    assert_eq "$(complete_fish 'ringlet alias rm c')" "$(lines claude-acme codex-work)"
}

@test "after -- the completion is a command line of its own" {
    printf '#!/bin/sh\n' >"$T/bin/claude-squad"
    chmod +x "$T/bin/claude-squad"
    run bash --norc --noprofile -c '
        eval "$(ringlet shell init bash)"
        COMP_WORDS=(ringlet profiles run work -- claude-sq); COMP_CWORD=5
        _ringlet; printf "%s\n" "${COMPREPLY[@]}"'
    assert_eq "$output" claude-squad
    run fish --no-config -c 'ringlet shell init fish | source; complete -C "ringlet profiles run work -- claude-sq"'
    assert_eq "$(cut -f1 <<<"$output")" claude-squad
}
