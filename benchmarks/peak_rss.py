#!/usr/bin/env python
"""Run a command and print its wall time and the peak resident memory of its whole process tree (the command and
every process it starts, e.g. `fd2dd run`'s student workers), sampled every 0.2 s from /proc (Linux): the sum of the
processes' RSS, and the sum of their PSS, which counts pages shared between them (torch's libraries) once.
`/usr/bin/time -v` reports the largest single process instead, which undercounts a run with workers.
Usage: python benchmarks/peak_rss.py fd2dd run --out /tmp/defrun"""
import os, subprocess, sys, time

PAGE = os.sysconf('SC_PAGE_SIZE')


def tree(root: int) -> list:
    "root and all its descendants' pids."
    kids = {}
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open(f'/proc/{p}/stat') as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue                                   # the process ended while being read
        kids.setdefault(ppid, []).append(int(p))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def tree_mem(root: int) -> tuple:
    """(RSS, PSS) of root's process tree, in bytes, each summed over its processes. RSS counts the pages of shared
    libraries (torch's are several hundred MB) once per process; PSS splits each shared page among the processes that
    map it, so its sum is the memory the tree really holds."""
    rss = pss = 0
    for p in tree(root):
        try:
            with open(f'/proc/{p}/statm') as f:
                r = int(f.read().split()[1]) * PAGE
            with open(f'/proc/{p}/smaps_rollup') as f:
                q = next(int(line.split()[1]) * 1024 for line in f if line.startswith('Pss:'))
        except (OSError, ValueError, IndexError, StopIteration):
            continue
        rss, pss = rss + r, pss + q
    return rss, pss


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    t0 = time.time()
    proc = subprocess.Popen(sys.argv[1:])
    peak = peak_pss = 0
    while proc.poll() is None:
        rss, pss = tree_mem(proc.pid)
        peak, peak_pss = max(peak, rss), max(peak_pss, pss)
        time.sleep(0.2)
    print(f"peak_rss: exit {proc.returncode}, wall {time.time() - t0:.1f} s "
          f"({int(time.time() - t0) // 60} min {int(time.time() - t0) % 60} s), "
          f"peak resident memory of the process tree {peak / 2**30:.2f} GiB summed over its processes (RSS), "
          f"{peak_pss / 2**30:.2f} GiB with shared pages counted once (PSS)", file=sys.stderr)
    sys.exit(proc.returncode)
