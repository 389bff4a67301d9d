#!/usr/bin/env bats
# The generated scripts: lint clean, silent under -e -u, idempotent, polite to PROMPT_COMMAND and $?.

load helpers

setup() {
    setup_env
    make_profile work codex
    make_profile acme claude
    mkdir -p "$HOME/work" "$HOME/other" "$HOME/it's \$(x) \`y\`"$'\n'"*"
    add_mapping "~/work" work
    add_mapping "$HOME/it's \$(x) \`y\`"$'\n'"*" acme
    printf 'profile = "acme"\n' >"$HOME/work/.ringlet.toml"
    ringlet allow "$HOME/work" >/dev/null
    printf '[shell]\nnotify = true\n[shell.aliases]\nclaude-acme = "acme"\nghost = "missing"\n' >>"$CONFIG"
}

teardown() {
    teardown_env
}

OPTION_SETS=('' '--cmd rl --wrap claude,codex' '--no-aliases --wrap claude')

@test "bash: generated script, template and completions pass shellcheck" {
    local opts
    for opts in "${OPTION_SETS[@]}"; do
        # shellcheck disable=SC2086
        ringlet shell init bash $opts >"$T/init.bash"
        run shellcheck -s bash "$T/init.bash"
        assert_eq "$output" ""
        assert_eq "$status" 0
    done
    run shellcheck -s bash "$REPO/shell/ringlet.bash" "$REPO/shell/completion.bash" "$REPO/completions/ringlet.bash"
    assert_eq "$output" ""
    ringlet completions bash >"$T/c.bash"
    run shellcheck -s bash "$T/c.bash"
    assert_eq "$status" 0
}

@test "zsh: generated script, template and completions pass zsh -n" {
    local opts
    for opts in "${OPTION_SETS[@]}"; do
        # shellcheck disable=SC2086
        ringlet shell init zsh $opts >"$T/init.zsh"
        run zsh -n "$T/init.zsh"
        assert_eq "$output" ""
        assert_eq "$status" 0
    done
    run zsh -n "$REPO/shell/ringlet.zsh" "$REPO/shell/completion.zsh" "$REPO/completions/_ringlet"
    assert_eq "$status" 0
}

@test "fish: generated script, template and completions pass fish --no-execute" {
    local opts f
    for opts in "${OPTION_SETS[@]}"; do
        # shellcheck disable=SC2086
        ringlet shell init fish $opts >"$T/init.fish"
        run fish --no-execute "$T/init.fish"
        assert_eq "$output" ""
        assert_eq "$status" 0
    done
    for f in "$REPO/shell/ringlet.fish" "$REPO/shell/completion.fish" "$REPO/completions/ringlet.fish"; do
        run fish --no-execute "$f"
        assert_eq "$status" 0
    done
}

@test "completions/ matches what ringlet completions prints (the build generated it)" {
    assert_eq "$(ringlet completions bash)" "$(cat "$REPO/completions/ringlet.bash")"
    assert_eq "$(ringlet completions zsh)" "$(cat "$REPO/completions/_ringlet")"
    assert_eq "$(ringlet completions fish)" "$(cat "$REPO/completions/ringlet.fish")"
}

@test "bash -e -u: loading twice and cd-ing around prints nothing and fails nothing" {
    printf '[shell]\nnotify = false\n' >"$CONFIG.new"
    grep -v '^\[shell\]$\|^notify' "$CONFIG" >>"$CONFIG.new"
    mv "$CONFIG.new" "$CONFIG"
    cd "$HOME/other"
    run bash --norc --noprofile -e -u -c '
        eval "$(ringlet shell init bash --wrap claude)"
        eval "$(ringlet shell init bash --wrap claude)"
        for d in "$HOME/work" "$HOME/other" / "$HOME"; do cd "$d"; __ringlet_hook; done
        [[ $PROMPT_COMMAND == __ringlet_hook ]]
        printf done'
    assert_eq "$status" 0
    assert_eq "$output" "done"
}

@test "zsh -e -u: loading twice and cd-ing around prints nothing and fails nothing" {
    printf '[shell]\nnotify = false\n' >"$CONFIG.new"
    grep -v '^\[shell\]$\|^notify' "$CONFIG" >>"$CONFIG.new"
    mv "$CONFIG.new" "$CONFIG"
    cd "$HOME/other"
    run zsh -f -e -u -c '
        eval "$(ringlet shell init zsh --wrap claude)"
        eval "$(ringlet shell init zsh --wrap claude)"
        for d in "$HOME/work" "$HOME/other" / "$HOME"; do cd "$d"; done
        [[ ${(j: :)chpwd_functions} == __ringlet_hook ]]
        printf done'
    assert_eq "$status" 0
    assert_eq "$output" "done"
}

@test "fish: loading twice registers one handler and prints nothing" {
    printf '[shell]\nnotify = false\n' >"$CONFIG.new"
    grep -v '^\[shell\]$\|^notify' "$CONFIG" >>"$CONFIG.new"
    mv "$CONFIG.new" "$CONFIG"
    cd "$HOME/other"
    run fish --no-config -c '
        ringlet shell init fish --wrap claude | source
        ringlet shell init fish --wrap claude | source
        for d in $HOME/work $HOME/other / $HOME; cd $d; end
        functions --handlers-type variable | string match -q -r "PWD\s+__ringlet_hook\$"; or echo no-handler
        printf handlers=%s (functions --handlers-type variable | string match -r "__ringlet_hook" | count)'
    assert_eq "$status" 0
    assert_eq "$output" "handlers=1"
}

@test "bash: a PROMPT_COMMAND string is kept, runs after ours and still sees \$?" {
    run --separate-stderr bash --norc --noprofile -i <<'EOF'
PS1='' PS2=''
PROMPT_COMMAND='echo "pc=$?"'
eval "$(ringlet shell init bash)"
eval "$(ringlet shell init bash)"
(exit 3)
declare -p PROMPT_COMMAND
EOF
    assert_contains "$output" "pc=3"
    assert_contains "$output" "declare -- PROMPT_COMMAND=\$'__ringlet_hook\\necho \"pc=\$?\"'"
}

@test "bash: a PROMPT_COMMAND array gets the hook once, first" {
    run --separate-stderr bash --norc --noprofile -c '
        PROMPT_COMMAND=(a "b c")
        eval "$(ringlet shell init bash)"
        eval "$(ringlet shell init bash)"
        declare -p PROMPT_COMMAND'
    assert_eq "$output" 'declare -a PROMPT_COMMAND=([0]="__ringlet_hook" [1]="a" [2]="b c")'
}

@test "zsh and bash: the hook keeps \$? and a user's own cd alias cannot hijack it" {
    run --separate-stderr zsh -f -c '
        eval "$(ringlet shell init zsh)"
        alias cd="echo hijacked"
        builtin cd "$HOME/work"
        false
        print -r -- "rc=$? p=${RINGLET_PROFILE-}"'
    assert_eq "$output" "rc=1 p=acme"
    run --separate-stderr bash --norc --noprofile -c '
        eval "$(ringlet shell init bash)"
        cd() { echo hijacked; }
        builtin cd "$HOME"
        (exit 4)
        __ringlet_hook
        echo "rc=$? p=${RINGLET_PROFILE-}"'
    assert_eq "$output" "rc=4 p="
}

@test "the --state output a running shell reloads is the state part of init" {
    run ringlet shell init bash --state
    assert_contains "$output" "__ringlet_map()"
    refute_contains "$output" "PROMPT_COMMAND"
    run ringlet shell init fish --state
    assert_contains "$output" "function __ringlet_map"
}
