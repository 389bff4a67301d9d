#!/bin/sh
# The shell flavour of block-destructive.js, for a --shell hook:
#   ringlet hooks add work --on pre-tool-use --matcher 'Bash|Execute' --shell 'sh /path/to/hooks/block-destructive.sh'
# ringlet puts the tool's command line in $RINGLET_TOOL_COMMAND; exit 0 allows, anything else denies with
# what this prints on stderr as the reason.
cmd=${RINGLET_TOOL_COMMAND-}
deny() {
  printf 'blocked: %s. Ask the user to run it themselves if it is really wanted.\n' "$1" >&2
  exit 1
}
printf '%s\n' "$cmd" | grep -Eq '(^|[^[:alnum:]_])rm[[:space:]]+(-[[:alpha:]]*[rR][[:alpha:]]*[[:space:]]+-?[[:alpha:]]*[fF]|-[[:alpha:]]*[fF][[:alpha:]]*[[:space:]]+-?[[:alpha:]]*[rR]|-[[:alpha:]]*([rR][fF]|[fF][rR]))' && deny 'recursive forced delete (rm -rf)'
printf '%s\n' "$cmd" | grep -Eq 'rm[[:space:]].*--recursive.*--force|rm[[:space:]].*--force.*--recursive' && deny 'recursive forced delete (rm --recursive --force)'
printf '%s\n' "$cmd" | grep -Eq '(^|[^[:alnum:]_])mkfs' && deny 'formatting a filesystem (mkfs)'
printf '%s\n' "$cmd" | grep -Eq '(^|[^[:alnum:]_])dd[[:space:]].*of=/dev/' && deny 'writing to a raw device (dd of=/dev/...)'
printf '%s\n' "$cmd" | grep -Eq 'git[[:space:]]+push([[:space:]].*)?[[:space:]](--force[^[:space:]]*|-f)([[:space:]]|$)' && deny 'force push'
printf '%s\n' "$cmd" | grep -Eq 'git[[:space:]]+reset[[:space:]]+--hard' && deny 'git reset --hard'
printf '%s\n' "$cmd" | grep -Eq '(curl|wget)[^|]*\|[[:space:]]*(sudo[[:space:]]+)?(ba|z|da)?sh([[:space:]]|$)' && deny 'piping a download into a shell'
exit 0
