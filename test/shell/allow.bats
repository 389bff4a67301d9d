#!/usr/bin/env bats
# Per-project .ringlet.toml / .ringlet-profile, trusted with `ringlet allow` and bound to the content.

load helpers

setup() {
    setup_env
    make_profile work codex
    make_profile acme claude
    mkdir -p "$HOME/proj/sub/deeper" "$HOME/elsewhere"
    printf 'profile = "acme"\n' >"$HOME/proj/.ringlet.toml"
}

teardown() {
    teardown_env
}

shows() {
    grep '^p=' <<<"$output" || true
}

FLOW='cd "$HOME/proj/sub"
show
ringlet allow
show
cd "$HOME/proj/sub/deeper"
show
printf "profile = \"work\"\n" >"$HOME/proj/.ringlet.toml"
cd "$HOME/proj"
show
ringlet allow
show
ringlet deny
show
cd "$HOME/elsewhere"
show'

check_flow() {
    run --separate-stderr in_shell "$1" "$FLOW"
    # not allowed yet; allowed takes effect at once; a changed file is ignored until allowed again
    assert_eq "$(shows)" "$(printf '%s\n' p= p=acme p=acme p= p=work p= p=)"
    assert_contains "$output" "ringlet: allowed $HOME/proj/.ringlet.toml (profile acme)"
    assert_contains "$stderr" ".ringlet.toml is not allowed; run \`ringlet allow\` to use it"
    assert_contains "$stderr" ".ringlet.toml changed since \`ringlet allow\`"
    assert_eq "$(grep -c 'is not allowed' <<<"$stderr")" 2 # before the first allow, after deny
}

@test "bash: allow flow" {
    check_flow bash
}

@test "zsh: allow flow" {
    check_flow zsh
}

@test "fish: allow flow" {
    check_flow fish
}

@test ".ringlet-profile holds a bare name; allow takes a file path" {
    rm "$HOME/proj/.ringlet.toml"
    printf 'work\n' >"$HOME/proj/.ringlet-profile"
    ringlet allow "$HOME/proj/.ringlet-profile"
    for sh in bash zsh fish; do
        run --separate-stderr in_shell "$sh" 'cd "$HOME/proj/sub"
show'
        assert_eq "$(shows)" "p=work"
    done
}

@test "an allow made outside the shell function is picked up at the next cd" {
    for sh in bash zsh fish; do
        ringlet deny "$HOME/proj" 2>/dev/null || :
        run --separate-stderr in_shell "$sh" 'cd "$HOME/proj"
show
command ringlet allow >/dev/null
show
cd "$HOME/proj/sub"
show'
        assert_eq "$(shows)" "$(printf '%s\n' p= p= p=acme)"
    done
}

@test "the nearest of project file and mapping wins" {
    add_mapping "~/proj/sub" work
    add_mapping "~" work
    ringlet allow "$HOME/proj"
    for sh in bash zsh fish; do
        run --separate-stderr in_shell "$sh" 'cd "$HOME"
show
cd "$HOME/proj"
show
cd "$HOME/proj/sub/deeper"
show'
        # ~ is mapped; ~/proj has the file (deeper than ~); ~/proj/sub is mapped (deeper than the file)
        assert_eq "$(shows)" "$(printf '%s\n' p=work p=acme p=work)"
    done
}

@test "the hint is printed once per project, not at every cd inside it" {
    run --separate-stderr in_shell bash 'cd "$HOME/proj"
cd "$HOME/proj/sub"
cd "$HOME/proj/sub/deeper"
cd "$HOME/proj"'
    assert_eq "$(grep -c 'is not allowed' <<<"$stderr")" 1
}

@test "a file in a directory with quotes, \$() and a newline in its name" {
    local d="$HOME/it's \$(touch pwned) \`x\`"$'\n'"end"
    mkdir -p "$d"
    printf 'profile = "work"\n' >"$d/.ringlet.toml"
    export D="$d"
    ringlet allow "$d"
    for sh in bash zsh fish; do
        run --separate-stderr in_shell "$sh" 'cd "$D"
show'
        assert_eq "$(shows)" "p=work"
    done
    assert_eq "$(find "$T" -name 'pwned*' | wc -l)" 0
}

@test "appending to an allowed file revokes it; a FIFO or a huge file neither hangs nor counts" {
    ringlet allow "$HOME/proj"
    printf '# harmless?\n' >>"$HOME/proj/.ringlet.toml"
    mkdir -p "$HOME/fifo" "$HOME/huge"
    mkfifo "$HOME/fifo/.ringlet.toml"
    head -c 20000000 /dev/zero | tr '\0' 'x' >"$HOME/huge/.ringlet.toml"
    for sh in bash zsh fish; do
        run --separate-stderr timeout 20 bash -c "$(declare -f in_shell); in_shell $sh 'cd \"\$HOME/proj\"
show
cd \"\$HOME/fifo\"
show
cd \"\$HOME/huge\"
show'"
        assert_eq "$status" 0
        assert_eq "$(shows)" "$(printf '%s\n' p= p= p=)"
    done
}

@test "allow refuses files it cannot trust, and says why" {
    cd "$HOME/elsewhere"
    run --separate-stderr ringlet allow
    assert_eq "$status" 3
    assert_contains "$stderr" "no .ringlet.toml or .ringlet-profile"

    printf 'profile = "$(rm -rf ~)"\n' >"$HOME/elsewhere/.ringlet.toml"
    run --separate-stderr ringlet allow
    assert_contains "$stderr" "invalid profile name"

    printf 'profile = "nope"\n' >"$HOME/elsewhere/.ringlet.toml"
    run --separate-stderr ringlet allow
    assert_contains "$stderr" 'names profile "nope", which does not exist'

    printf 'profile = "acme"\nenv = "x"\n' >"$HOME/elsewhere/.ringlet.toml"
    run --separate-stderr ringlet allow
    assert_contains "$stderr" 'unknown key "env"'

    head -c 5000 /dev/zero | tr '\0' '#' >"$HOME/elsewhere/.ringlet.toml"
    run --separate-stderr ringlet allow
    assert_contains "$stderr" "larger than 4096 bytes"

    rm "$HOME/elsewhere/.ringlet.toml"
    printf 'two\nlines\n' >"$HOME/elsewhere/.ringlet-profile"
    run --separate-stderr ringlet allow
    assert_contains "$stderr" "expected one line"

    # nothing was recorded by the failed attempts
    assert_eq "$(find "$RINGLET_HOME" -path '*allowed*' -name '*.json' | wc -l)" 0

    run --separate-stderr ringlet deny "$HOME/proj"
    assert_eq "$status" 3
    assert_contains "$stderr" "was not allowed"
}

@test "revoke is deny; a deleted project file can still be forgotten" {
    ringlet allow "$HOME/proj"
    rm "$HOME/proj/.ringlet.toml"
    run ringlet revoke "$HOME/proj/.ringlet.toml"
    assert_eq "$status" 0
    assert_eq "$(find "$RINGLET_HOME/allowed" -name '*.json' | wc -l)" 0
}
