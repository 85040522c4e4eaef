#!/usr/bin/env python
"""Wall time of a run's students one at a time (every thread each) against side by side (`workers`, threads shared).
The same `fd2dd run` of random real images (synthbirds, 64 px, IPC 3, the default student with `--steps` steps,
a 2-epoch teacher so that the students dominate) made once; then its students again, once per `--workers` value;
prints their wall time and accuracies (the same sets and seeds: they agree up to the last digits, which can move
with a student's thread count).
Usage: python benchmarks/bench_workers.py [--workers 1 2] [--seeds 0,1,2,3] [--steps 1000]"""
import argparse, shutil, tempfile, time
from pathlib import Path
import torch
from fd2dd.core import set_quiet
from fd2dd.pipeline import RunConfig, run

if __name__ == '__main__':      # the workers are spawned: they import this file, which must not run again
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--workers', nargs='+', type=int, default=[1, 2])
    ap.add_argument('--seeds', default='0,1,2,3')
    ap.add_argument('--steps', type=int, default=1000)
    a = ap.parse_args()
    set_quiet(True)
    seeds = [int(s) for s in a.seeds.split(',')]
    print(f"{torch.get_num_threads()} threads, {len(seeds)} students of {a.steps} steps (random real, IPC 3, 64 px)")
    base = RunConfig(methods=['random'], seeds=seeds)
    base.squeeze.epochs, base.squeeze.cal_start = 2, 1
    with tempfile.TemporaryDirectory() as d:
        prep = Path(d) / 'prep'
        run(base.replace(train=base.train.replace(min_steps=10, epochs=1)), prep)    # the teacher and the sets, once
        for w in a.workers:
            q = Path(d) / f'w{w}'
            shutil.copytree(prep, q)
            shutil.rmtree(q / 'eval')                                    # the students again, with the real budget
            cfg = base.replace(workers=w, train=base.train.replace(min_steps=a.steps))
            t0 = time.time()
            r = run(cfg, q)
            m = r['methods']['random']
            print(f"workers {w}: students {time.time() - t0:.1f} s wall (the sum of their own times "
                  f"{sum(x['seconds'] for x in m['runs']):.1f} s); accuracies {[round(x['avg'] * 100, 1) for x in m['runs']]}",
                  flush=True)
