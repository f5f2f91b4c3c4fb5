#!/bin/sh
# A converter that hangs (for kysod's conversion timeout test): records its process id and
# group, then sleeps in a child; kysod must kill the whole group.
echo "$$" > "${KYSO_SLOW_PIDFILE:?}"
sleep 600 &
wait
