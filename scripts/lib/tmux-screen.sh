# Reading and typing into the station's screen in a tmux window named kiosk, for the scripts
# that drive the real `kiosk run` (scripts/test-tmux.sh, scripts/soak.sh). The script that
# sources this defines tm() (tmux on its own socket) first.

screen() { tm capture-pane -p -N -t kiosk; }
screen_with_colours() { tm capture-pane -p -e -N -t kiosk; }

# Waits up to $3 seconds for a screen line that `grep $1` (-F text, -E pattern) finds for $2.
wait_grep() {
    local deadline=$((SECONDS + $3))
    while [ $SECONDS -lt $deadline ]; do
        screen | grep -q "$1" -- "$2" && return 0
        sleep 0.3
    done
    return 1
}
wait_for() { wait_grep -F "$1" "$2"; }
wait_for_pattern() { wait_grep -E "$1" "$2"; }

# Types text key by key, as a person does (a burst would be taken for a code scanner).
type_slowly() {
    local i
    for ((i = 0; i < ${#1}; i++)); do tm send-keys -t kiosk -l "${1:i:1}"; sleep 0.05; done
}
