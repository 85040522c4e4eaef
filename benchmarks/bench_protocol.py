#!/usr/bin/env python
"""Where the seed-to-seed spread of a student's accuracy comes from, and which evaluation protocol
shrinks it. Random real images of synthbirds (10 classes, 64 px) with the teacher's soft labels, on a
validation split (20% of train; the teacher is trained on the rest; the test split is not used).
For each protocol (a JSON dict of TrainConfig fields) it trains students for student seeds 0..S-1 on
one set (distill seed 0) and for distill seeds 1..D on student seed 0, and prints the spread of
three read-outs: the final epoch, the mean of the last `avg_last` epochs, and the best epoch.
--paired N instead trains N paired runs, run k on the set of distill seed k with student seed k (the
protocol `fd2dd run` uses), and prints their mean ± sd and each run. --method picks the set: random real
images (the default) or any method of `fd2dd run` (its sets are made once per validation teacher
and cached under the benchmark cache).
Example: python benchmarks/bench_protocol.py --ipc 10 '{"batch_size": 50}' '{"batch_size": 10}'"""
import argparse, json, time
from common import CACHE
from fd2dd.pipeline import ALL_METHODS, DataConfig, RunConfig, load_data, distill, student_config
from fd2dd.distilled import file_hash, load_distilled
from fd2dd.squeeze import SqueezeConfig, train_teacher, load_teacher
from fd2dd.synth.select import random_select
from fd2dd.train import TrainConfig, train_student
from fd2dd.metrics import mean_std

ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('protocols', nargs='*', default=['{}'])
ap.add_argument('--ipc', type=int, default=10)
ap.add_argument('--student-seeds', type=int, default=4)
ap.add_argument('--distill-seeds', type=int, default=3)
ap.add_argument('--paired', type=int, default=0, metavar='N')
ap.add_argument('--method', default='random', choices=ALL_METHODS, help='the set: random real images or a method of `fd2dd run` (e.g. sre2l++, fd2)')
a = ap.parse_args()

train, val, test = load_data(DataConfig(val_fraction=0.2), return_val=True)
tdir = CACHE/'teacher_val'
teacher = load_teacher(tdir) if (tdir/'teacher.pt').exists() else train_teacher(SqueezeConfig(), train, val, tdir, 'synthbirds')
print(f"teacher: validation accuracy {teacher.meta['test_acc']*100:.1f}%; {a.method} IPC {a.ipc}")

def the_set(d):
    "The training set of distill seed d and its metadata."
    if a.method == 'random': return random_select(train, a.ipc, d), {}
    out = CACHE/'protocol_sets'/f'{a.method}_ipc{a.ipc}_seed{d}_{file_hash(tdir/"teacher.pt")}'  # a retrained teacher makes new sets
    return load_distilled(distill(a.method, teacher, train, a.ipc, out, RunConfig(), tdir/'teacher.pt', seed=d), teacher.classes)

runs = [(k, k) for k in range(a.paired)] if a.paired else [(0, s) for s in range(a.student_seeds)] + [(d, 0) for d in range(1, a.distill_seeds + 1)]
sets = {d: the_set(d) for d in sorted({d for d, _ in runs})}  # made (or loaded) before any student is timed
for spec in a.protocols:
    tc = TrainConfig(**json.loads(spec)); rows = []
    t0 = time.time()
    for d, s in runs:
        r = train_student(student_config(tc, sets[d][1]).replace(seed=s), sets[d][0], val, teacher)
        rows.append((d, s, r['final_acc'], r['avg_acc'], r['best_acc']))
    secs = (time.time() - t0) / len(runs)
    if a.paired:
        m, sd = mean_std([x[3] * 100 for x in rows])
        print(f"{spec} paired runs (avg-last): {m:.1f} ± {sd:.1f}  [{' / '.join(f'{x[3]*100:.1f}' for x in rows)}]  ({secs:.0f} s/student)", flush=True)
        continue
    for name, k in (('final', 2), ('avg-last', 3), ('best', 4)):
        st = mean_std([x[k] * 100 for x in rows if x[0] == 0]); ds = mean_std([x[k] * 100 for x in rows if x[1] == 0])
        print(f"{spec} {name:8s}: student seeds {st[0]:.1f} ± {st[1]:.1f}   distill seeds {ds[0]:.1f} ± {ds[1]:.1f}   ({secs:.0f} s/student)", flush=True)
