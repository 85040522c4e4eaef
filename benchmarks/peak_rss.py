#!/usr/bin/env python
"""Run a command and print its wall time and the peak resident memory of its whole process tree (the command and
every process it starts, e.g. `fd2dd run`'s student workers, summed), sampled every 0.2 s from /proc (Linux).
`/usr/bin/time -v` reports the largest single process instead, which undercounts a run with workers.
Usage: python benchmarks/peak_rss.py fd2dd run --out /tmp/defrun"""
import os, subprocess, sys, time

PAGE = os.sysconf('SC_PAGE_SIZE')


def tree_rss(root: int) -> int:
    "Resident bytes of root and all its descendants."
    kids, rss = {}, {}
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open(f'/proc/{p}/stat') as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            with open(f'/proc/{p}/statm') as f:
                rss[int(p)] = int(f.read().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue                                   # the process ended while being read
        kids.setdefault(ppid, []).append(int(p))
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += kids.get(p, [])
    return total


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    t0 = time.time()
    proc = subprocess.Popen(sys.argv[1:])
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.2)
    print(f"peak_rss: exit {proc.returncode}, wall {time.time() - t0:.1f} s "
          f"({int(time.time() - t0) // 60} min {int(time.time() - t0) % 60} s), "
          f"peak resident memory of the process tree {peak / 2**30:.2f} GiB", file=sys.stderr)
    sys.exit(proc.returncode)
