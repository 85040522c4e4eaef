#!/usr/bin/env python
"Wall time and accuracy of evaluating one distilled set (random real, synthbirds, IPC 10) with the default student."
import time
from common import default_data, default_teacher
from fd2dd.synth.select import random_select
from fd2dd.train import TrainConfig, train_student

train, test = default_data(); teacher = default_teacher(train, test)
d = random_select(train, 10)
t = time.perf_counter(); r = train_student(TrainConfig(), d, test, teacher); dt = time.perf_counter() - t
print(f"student {r['budget']}: {dt:.0f}s, final {r['final_acc']*100:.1f}%, best {r['best_acc']*100:.1f}%")
