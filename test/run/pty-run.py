# Runs a command on a pseudo-terminal, as from a terminal: what it writes is copied to stdout, and
# what comes on stdin is typed at it ("\x03" is a Ctrl-C, the terminal's SIGINT to its process group).
# Exits with the command's exit code, 128 + the signal's number if a signal ended it.
import os
import pty
import select
import struct
import sys
import termios
import fcntl

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])

fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 100, 0, 0))
inputs = [fd, 0]
while True:
    ready, _, _ = select.select(inputs, [], [])
    if fd in ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 1024)
        if data:
            os.write(fd, data)
        else:
            inputs.remove(0)
_, status = os.waitpid(pid, 0)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
