#!/usr/bin/env python3
"""Relays a pseudo-terminal to stdin/stdout.

Opens a PTY pair, puts the slave side in raw mode, links it at the path given as argv[1] and copies
bytes: stdin -> master, master -> stdout. Prints "ready <slave>" on stderr once the link exists.
While no program has the slave open the kernel reports EIO on the master and drops what is
written to it, like a serial device nobody listens to. Removes the link when it ends.
"""
import errno
import os
import pty
import select
import signal
import sys
import tty

link = sys.argv[1]
master, slave = pty.openpty()
tty.setraw(slave)
slave_name = os.ttyname(slave)
os.close(slave)
try:
    os.unlink(link)
except FileNotFoundError:
    pass
os.symlink(slave_name, link)


def finish(*_):
    try:
        if os.readlink(link) == slave_name:
            os.unlink(link)
    except OSError:
        pass
    sys.exit(0)


signal.signal(signal.SIGTERM, finish)
signal.signal(signal.SIGINT, finish)
sys.stderr.write(f"ready {slave_name}\n")
sys.stderr.flush()

stdin = sys.stdin.fileno()
stdout = sys.stdout.fileno()
master_readable = True
while True:
    watch = [stdin, master] if master_readable else [stdin]
    readable, _, _ = select.select(watch, [], [], 0.02)
    master_readable = True
    if master in readable:
        try:
            data = os.read(master, 65536)
            os.write(stdout, data)
        except OSError as error:
            if error.errno != errno.EIO:
                raise
            # Nobody has the slave open: poll again shortly instead of spinning.
            master_readable = False
    if stdin in readable:
        data = os.read(stdin, 65536)
        if not data:
            finish()
        try:
            os.write(master, data)
        except OSError as error:
            if error.errno not in (errno.EIO, errno.EAGAIN):
                raise
