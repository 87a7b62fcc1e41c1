# Prompt and a check that the local agent answers.
export PS1='\u@\h:\w\$ '
if ! (echo > /dev/tcp/127.0.0.1/8125) 2>/dev/null; then echo 'metrics agent down' >&2; fi
