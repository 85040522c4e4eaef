"Two CPU processes on the gloo backend over loopback: torchrun squeeze and distill give what one process gives."
import os, socket, subprocess, sys
from pathlib import Path
import torch
from fd2dd.distilled import load_distilled
from fd2dd.squeeze import load_teacher

BIN = Path(sys.executable).parent
TINY = ['--size', '32', '--quiet', '--set', 'data.num_classes=4', '--set', 'data.n_train=12', '--set', 'data.n_test=4',
        '--set', 'squeeze.epochs=2', '--set', 'squeeze.cal_start=0', '--set', 'squeeze.M=4', '--set', 'squeeze.batch_size=8',
        '--set', 'squeeze.arch_kwargs={width: 8}', '--set', 'recover.iterations=4', '--set', 'recover.class_chunk=1']

def _port():
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def _run(args, nproc=1):
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'OMP_NUM_THREADS': '1', 'FD2DD_DEVICE': 'cpu'}  # gloo on the CPU, on a GPU machine too
    cmd = [str(BIN/'fd2dd'), *map(str, args)]
    if nproc > 1:
        cmd = [str(BIN/'torchrun'), '--nproc_per_node', str(nproc), '--nnodes', '1', '--master_addr', '127.0.0.1',
               '--master_port', str(_port()), *cmd]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, f'{cmd}\n{r.stdout}\n{r.stderr[-3000:]}'
    return r

def _shutdown_worker(rank, store_path, delays, timeout, out):
    import time, torch.distributed as dist
    from fd2dd.distributed import shutdown
    dist.init_process_group('gloo', init_method=f'file://{store_path}', rank=rank, world_size=2)
    dist.barrier()
    if delays[rank] < 0: return  # this rank never checks in (as if it had crashed)
    time.sleep(delays[rank])
    t = time.monotonic(); shutdown(timeout); Path(out, f'{rank}').write_text(f'{time.monotonic() - t}')

def _shutdown_times(tmp_path, delays, timeout):
    import torch.multiprocessing as mp
    mp.spawn(_shutdown_worker, args=(str(tmp_path/'store'), delays, timeout, str(tmp_path)), nprocs=2)
    return [float((tmp_path/f'{r}').read_text()) if (tmp_path/f'{r}').exists() else None for r in (0, 1)]

def test_shutdown_waits_for_every_rank(tmp_path):
    # rank 1 arrives 1.5 s late: rank 0 must not close the group before it (the gloo teardown race)
    w0, w1 = _shutdown_times(tmp_path, [0.0, 1.5], 30.0)
    assert w0 > 1.0 and w1 < 1.0, (w0, w1)

def test_shutdown_gives_up_on_a_missing_rank(tmp_path):
    # rank 1 never checks in: rank 0 leaves after its timeout instead of hanging
    w0, w1 = _shutdown_times(tmp_path, [0.0, -1.0], 2.0)
    assert w1 is None and 1.5 < w0 < 20, w0

def _distill_worker(rank, store_path, out, delays):
    import datetime, time, torch.distributed as dist
    from fd2dd.data.synth import SynthBirds
    from fd2dd.distributed import shutdown
    from fd2dd.models.backbones import create_model
    from fd2dd.pipeline import RunConfig, distill
    from fd2dd.squeeze import Teacher
    dist.init_process_group('gloo', init_method=f'file://{store_path}', rank=rank, world_size=2,
                            timeout=datetime.timedelta(seconds=20))
    tr = SynthBirds(num_classes=2, size=32, n_train=4, n_test=2).data('train')
    t = Teacher(create_model('convnet', 2, 32, width=8), tr.classes, 32, [0.5] * 3, [0.25] * 3)
    time.sleep(delays[rank])
    distill('random', t, tr, 1, Path(out)/'set', RunConfig(device='cpu'))
    Path(out, f'rank{rank}').write_text('returned')
    shutdown(20.0)

def test_distill_selection_when_one_rank_is_late(tmp_path):
    # rank 1 reaches distill after rank 0 has written the whole (cheap) set: it must still meet rank 0's barrier,
    # not see the finished set and return without it (which left rank 0 waiting until the group closed under it)
    import torch.multiprocessing as mp
    mp.spawn(_distill_worker, args=(str(tmp_path/'store'), str(tmp_path), [0.0, 3.0]), nprocs=2)
    assert (tmp_path/'rank0').exists() and (tmp_path/'rank1').exists()
    assert load_distilled(tmp_path/'set')[1]['complete']

def test_two_process_squeeze_and_distill(tmp_path):
    _run(['squeeze', '--out', tmp_path/'t2', *TINY], nproc=2)
    t = load_teacher(tmp_path/'t2')
    assert [h['epoch'] for h in t.meta['history']] == [1, 2] and t.cal.centers.abs().sum() > 0
    for m in ('sre2l', 'fd2', 'rded'):
        _run(['distill', '--teacher', tmp_path/'t2', '--method', m, '--ipc', 2, '--out', tmp_path/f'{m}1', *TINY], nproc=1)
        _run(['distill', '--teacher', tmp_path/'t2', '--method', m, '--ipc', 2, '--out', tmp_path/f'{m}2', *TINY], nproc=2)
        a, ma = load_distilled(tmp_path/f'{m}1'); b, mb = load_distilled(tmp_path/f'{m}2')
        assert torch.equal(a.images, b.images), f'{m}: two-process set differs from the one-process set'
        assert ma['complete'] and mb['complete']
    # student training under DistributedDataParallel: two ranks train one student, rank 0 writes the results
    _run(['evaluate', '--distilled', tmp_path/'rded2', '--teacher', tmp_path/'t2', '--out', tmp_path/'ev2', *TINY,
          '--set', 'train.epochs=2', '--set', 'train.min_steps=0', '--set', 'train.batch_size=4', '--set', 'train.arch_kwargs={width: 8}'], nproc=2)
    import json; r = json.loads((tmp_path/'ev2'/'results.json').read_text())
    assert 0 <= r['final_mean'] <= 1 and r['budget']['epochs'] == 2, r
