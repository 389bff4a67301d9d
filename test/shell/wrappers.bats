#!/usr/bin/env bats
# --wrap functions, [shell.aliases] functions and the --cmd function. A fake ringlet (RINGLET_BIN)
# records what `profiles run` would have been asked to do; fake agents on PATH record plain runs.

load helpers

setup() {
    setup_env
    make_profile work codex
    make_profile acme claude
    mkdir -p "$HOME/work/sub" "$HOME/other"
    add_mapping "~/work" work
    install_fake_ringlet
    install_fake_agent claude
    install_fake_agent codex
}

teardown() {
    teardown_env
}

recorded() {
    cat "$T/argv" 2>/dev/null || true
}

WRAP_BODY=$(cat <<'EOF'
cd "$HOME/work/sub"
claude --resume "fix the bug" '$(x)' "*"
cd "$HOME/other"
claude -p hi
codex exec "two words"
EOF
)

check_wrap() {
    run --separate-stderr in_shell "$1" "$WRAP_BODY" --wrap claude,codex
    assert_eq "$status" 0
    assert_eq "$(recorded)" "$(printf '%s\n' work -- claude --resume 'fix the bug' '$(x)' '*' --end plain:claude -p hi --end plain:codex exec 'two words' --end)"
}

@test "bash: --wrap runs the agent in the selected profile, or the plain binary" {
    check_wrap bash
}

@test "zsh: --wrap runs the agent in the selected profile, or the plain binary" {
    check_wrap zsh
}

@test "fish: --wrap runs the agent in the selected profile, or the plain binary" {
    check_wrap fish
}

@test "bash: cd and a wrapped agent on one line use the new directory's profile" {
    run --separate-stderr in_shell bash 'cd "$HOME/work" && claude one
cd "$HOME/other" && claude two' --wrap claude
    assert_eq "$(recorded)" "$(printf '%s\n' work -- claude one --end plain:claude two --end)"
}

@test "bash: --wrap replaces a user alias of the same name" {
    run --separate-stderr in_shell bash "alias claude='echo hijacked'
eval \"\$(ringlet shell init bash --wrap claude)\"
cd \"\$HOME/work\"
claude x"
    refute_contains "$output" hijacked
    assert_eq "$(recorded)" "$(printf '%s\n' work -- claude x --end)"
}

@test "wrappers return the agent's exit status" {
    printf '#!/bin/sh\nexit 7\n' >"$T/bin/claude"
    for sh in bash zsh; do
        run --separate-stderr in_shell "$sh" 'cd "$HOME/other"
claude
echo "rc=$?"' --wrap claude
        assert_contains "$output" "rc=7"
    done
    run --separate-stderr in_shell fish 'cd "$HOME/other"
claude
echo "rc=$status"' --wrap claude
    assert_contains "$output" "rc=7"
}

ALIAS_BODY='claude-acme "fix the bug" --resume
ghost hi
ringlet alias add codex-work work
codex-work exec "a b"
ringlet alias rm codex-work
codex-work x
echo "after-rm"'

check_aliases() {
    printf '[shell.aliases]\nclaude-acme = "acme"\nghost = "missing"\n' >>"$CONFIG"
    run --separate-stderr in_shell "$1" "$ALIAS_BODY"
    # an alias runs the profile's agent with the arguments as given, a bare prompt included
    assert_eq "$(recorded)" "$(printf '%s\n' acme -- claude 'fix the bug' --resume --end work -- codex exec 'a b' --end)"
    assert_contains "$stderr" 'ringlet: alias ghost: profile "missing" does not exist'
    assert_contains "$output" "ringlet: alias codex-work runs profile work"
    assert_contains "$output" "after-rm"
    # the removed alias is gone from the same shell at once
    refute_contains "$(recorded)" "x"$'\n'"--end"
}

@test "bash: aliases from [shell.aliases], added and removed live" {
    check_aliases bash
}

@test "zsh: aliases from [shell.aliases], added and removed live" {
    check_aliases zsh
}

@test "fish: aliases from [shell.aliases], added and removed live" {
    check_aliases fish
}

@test "--no-aliases defines none" {
    printf '[shell.aliases]\nclaude-acme = "acme"\n' >>"$CONFIG"
    run --separate-stderr in_shell bash 'type -t claude-acme || echo none' --no-aliases
    assert_eq "$output" none
    run --separate-stderr in_shell zsh 'whence -w claude-acme' --no-aliases
    assert_eq "$output" "claude-acme: none"
    run --separate-stderr in_shell fish 'functions -q claude-acme; or echo none' --no-aliases
    assert_eq "$output" none
}

@test "--cmd rl names the refreshing function rl and leaves the ringlet binary alone" {
    run --separate-stderr in_shell bash 'type -t rl
type -t ringlet
rl alias add claude-acme acme >/dev/null
claude-acme hi' --cmd rl
    assert_eq "$(head -2 <<<"$output")" "$(printf '%s\n' function file)"
    assert_eq "$(recorded)" "$(printf '%s\n' acme -- claude hi --end)"

    run --separate-stderr in_shell zsh 'whence -w rl ringlet' --cmd rl
    assert_eq "$output" "$(printf '%s\n' 'rl: function' 'ringlet: command')"

    run --separate-stderr in_shell fish 'functions -q rl; and echo rl-function
functions -q ringlet; or echo ringlet-binary' --cmd rl
    assert_eq "$output" "$(printf '%s\n' rl-function ringlet-binary)"
}

@test "init refuses --cmd and --wrap names that would shadow builtins" {
    run --separate-stderr ringlet shell init bash --cmd cd
    assert_eq "$status" 2
    assert_contains "$stderr" "would shadow a shell builtin"
    run --separate-stderr ringlet shell init zsh --wrap 'claude,$(x)'
    assert_eq "$status" 2
    run --separate-stderr ringlet shell init fish --wrap rl --cmd rl
    assert_eq "$status" 2
}

@test "alias add/list/rm edit [shell.aliases] and keep the completion cache" {
    run --separate-stderr ringlet alias add cd work
    assert_eq "$status" 2
    run --separate-stderr ringlet alias add 'a b' work
    assert_eq "$status" 2
    run --separate-stderr ringlet alias add claude-x nope
    assert_eq "$status" 3
    ringlet alias add claude-x acme
    run --separate-stderr ringlet alias add claude-x work
    assert_eq "$status" 2
    assert_contains "$stderr" "--replace"
    ringlet alias add claude-x work --replace
    ringlet alias add codex-w work
    run ringlet alias list --json
    assert_eq "$(node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(r.map((x) => `${x.name}=${x.profile}:${x.agent}`).join(" "))' <<<"$output")" "claude-x=work:codex codex-w=work:codex"
    assert_eq "$(cat "$RINGLET_HOME/cache/shell-aliases")" "$(printf '%s\n' claude-x codex-w)"
    ringlet alias rm claude-x
    run --separate-stderr ringlet alias rm claude-x
    assert_eq "$status" 3
    assert_eq "$(cat "$RINGLET_HOME/cache/shell-aliases")" codex-w
    grep -q 'codex-w = "work"' "$CONFIG"
}
