#!/usr/bin/env python
"""A command run with glibc's malloc as it comes (`FD2DD_MALLOC=system`, fd2dd's default) and with fd2dd's `tune_malloc`
on (`FD2DD_MALLOC=<--mb>`), in alternating rounds: wall seconds, user and system CPU seconds, and peak memory (PSS and RSS sums over the process
tree, sampled every 0.2 s as in `peak_rss.py`). System time is where page faults show: glibc unmapping and mapping
large blocks again on every training step.
Usage: python benchmarks/bench_malloc.py [--rounds 2] [--mb 256] [--clean DIR] -- fd2dd distill --teacher T --method fd2 --ipc 3 --out /tmp/x"""
import argparse, os, shutil, subprocess, time
import psutil
from peak_rss import tree_mem

ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('--rounds', type=int, default=2)
ap.add_argument('--mb', type=float, default=256, help='FD2DD_MALLOC of the tuned runs (threshold in MB)')
ap.add_argument('--clean', nargs='*', default=[], help='folders to delete before each run (the command\'s --out)')
ap.add_argument('cmd', nargs=argparse.REMAINDER)
a = ap.parse_args()
cmd = a.cmd[1:] if a.cmd[:1] == ['--'] else a.cmd


def run(mode):
    for d in a.clean: shutil.rmtree(d, ignore_errors=True)
    env = {**os.environ, 'FD2DD_MALLOC': 'system' if mode == 'system' else str(a.mb)}
    t0 = time.time()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    root, peak, cpu = psutil.Process(p.pid), (0, 0), {}
    while p.poll() is None:
        try:
            rss, pss = tree_mem(root)
            peak = (max(peak[0], rss), max(peak[1], pss or 0))
            for q in [root, *root.children(recursive=True)]:
                cpu[q.pid] = q.cpu_times()                   # the last reading of each process
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.2)
    if p.returncode:
        raise SystemExit(f'{cmd} failed with exit status {p.returncode} ({mode})')
    user, system = sum(c.user for c in cpu.values()), sum(c.system for c in cpu.values())
    return time.time() - t0, user, system, peak


print(' '.join(cmd))
for r in range(a.rounds):
    for mode in ('system', 'tuned'):
        w, u, s, (rss, pss) = run(mode)
        print(f'round {r} {mode:6s} wall {w:7.1f} s  user {u:7.1f} s  system {s:6.1f} s  peak PSS {pss / 2**30:5.2f} GiB  '
              f'RSS {rss / 2**30:5.2f} GiB', flush=True)
