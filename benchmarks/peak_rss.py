#!/usr/bin/env python
"""Run a command and print its wall time and the peak resident memory of its whole process tree (the command and
every process it starts, e.g. `fd2dd run`'s student workers), sampled every 0.2 s with psutil: the sum of the
processes' RSS, and the sum of their PSS, which counts pages shared between them (torch's libraries) once (PSS needs
Linux; elsewhere it prints the RSS sum only).
`/usr/bin/time -v` reports the largest single process instead, which undercounts a run with workers.
With `--log FILE` it also writes, once a second, the time, both sums and each process's PSS (or RSS), in MiB: which
stage and which process holds the memory at the peak.
Usage: python benchmarks/peak_rss.py [--log FILE] fd2dd run --out /tmp/defrun"""
import subprocess, sys, time
import psutil


def tree_mem(root: psutil.Process, each: list | None = None) -> tuple:
    """(RSS, PSS) of root's process tree, in bytes, each summed over its processes (PSS None where the system has none).
    RSS counts the pages of shared libraries (torch's are several hundred MB) once per process; PSS splits each shared
    page among the processes that map it, so its sum is the memory the tree really holds. `each` (a list) receives
    (pid, PSS or RSS) per process."""
    rss, pss = 0, 0
    for p in [root, *root.children(recursive=True)]:
        try:
            m = p.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue                                   # the process ended while being read
        rss += m.rss
        if each is not None:
            each.append((p.pid, getattr(m, 'pss', m.rss)))
        pss = pss + m.pss if pss is not None and hasattr(m, 'pss') else None
    return rss, pss


if __name__ == '__main__':
    cmd, log = sys.argv[1:], None
    if cmd[:1] == ['--log'] and len(cmd) > 1:
        log, cmd = open(cmd[1], 'w'), cmd[2:]
    if not cmd:
        sys.exit(__doc__)
    t0 = time.time()
    proc = subprocess.Popen(cmd)
    root, peak, peak_pss, logged = psutil.Process(proc.pid), 0, 0, -1.0
    while proc.poll() is None:
        each = []
        rss, pss = tree_mem(root, each)
        if log and time.time() - logged >= 1:
            logged = time.time()
            mib = lambda b: 'n/a' if b is None else f"{b / 2**20:.0f}"
            log.write(f"{logged - t0:.1f} s  RSS {mib(rss)}  PSS {mib(pss)}  " + ' '.join(f"{i}:{mib(b)}" for i, b in each) + '\n')
            log.flush()
        peak = max(peak, rss)
        peak_pss = None if pss is None or peak_pss is None else max(peak_pss, pss)
        time.sleep(0.2)
    wall = time.time() - t0
    pss_text = '' if peak_pss is None else f", {peak_pss / 2**30:.2f} GiB with shared pages counted once (PSS)"
    print(f"peak_rss: exit {proc.returncode}, wall {wall:.1f} s ({int(wall) // 60} min {int(wall) % 60} s), "
          f"peak resident memory of the process tree {peak / 2**30:.2f} GiB summed over its processes (RSS)"
          f"{pss_text}", file=sys.stderr)
    sys.exit(proc.returncode)
