#!/usr/bin/env bash
# The CUDA check: the whole test suite and the README's default run on a machine with a GPU, side by side.
# Everything runs with device 'auto' (every config's default), which picks the GPU there; the suite's
# two-process tests set FD2DD_DEVICE=cpu themselves (gloo). Writes env.txt, pytest.log, run.log,
# gpu_mem.csv (MiB used, every 0.5 s) and the run's report.md and results.json into OUT (the run's folder itself
# is /tmp/fd2dd_cuda_run, so that OUT holds six files).
# Usage: bash benchmarks/cuda_check.sh OUT [pytest workers] [seconds each part may take]
set -u
out=${1:?usage: cuda_check.sh OUT [workers] [seconds]}; n=${2:-12}; limit=${3:-400}
mkdir -p "$out"; run=/tmp/fd2dd_cuda_run; rm -rf "$run"
export HF_HUB_OFFLINE=1 PYTHONUNBUFFERED=1 MPLBACKEND=Agg
python3 - >"$out/env.txt" 2>&1 <<'PY'
import torch, torchvision, timm
print('torch', torch.__version__, 'torchvision', torchvision.__version__, 'timm', timm.__version__)
print('cuda', torch.version.cuda, torch.cuda.get_device_name(0), torch.cuda.device_count(), 'device(s)')
from fd2dd.core import get_device
print('fd2dd picks', get_device())
PY
cat "$out/env.txt"
nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 500 >"$out/gpu_mem.csv" 2>/dev/null &
smi=$!
# the default run (host memory and wall time from peak_rss.py), beside the suite
(timeout "$limit" python3 benchmarks/peak_rss.py fd2dd run --out "$run" >"$out/run.log" 2>&1; echo "run exit $?" >>"$out/run.log") &
job=$!
start=$(date +%s)
timeout "$limit" python3 -m pytest -n "$n" -q -rfE -p no:cacheprovider --durations 15 tests >"$out/pytest.log" 2>&1
echo "pytest exit $? after $(( $(date +%s) - start )) s" | tee -a "$out/pytest.log"
wait $job
kill $smi 2>/dev/null
cp "$run/report.md" "$run/results.json" "$out/" 2>/dev/null
tail -n 40 "$out/pytest.log"; tail -n 25 "$out/run.log"
echo "peak GPU memory used (MiB, all processes): $(sort -n "$out/gpu_mem.csv" | tail -n 1)"
