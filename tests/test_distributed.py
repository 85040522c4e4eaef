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
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'OMP_NUM_THREADS': '1'}
    for _ in range(2):
        cmd = [str(BIN/'fd2dd'), *map(str, args)]
        if nproc > 1:
            cmd = [str(BIN/'torchrun'), '--nproc_per_node', str(nproc), '--nnodes', '1', '--master_addr', '127.0.0.1',
                   '--master_port', str(_port()), *cmd]
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        # A known gloo teardown race (pytorch/gloo#155, open): a rank that leaves the last barrier and exits can close
        # its socket before the other rank has read that barrier's last message, which then fails with "Connection
        # closed by peer" although the work is written. fd2dd resumes finished work, so the same command runs once more;
        # any other failure, or this one twice, fails the test.
        if r.returncode == 0 or nproc == 1 or 'Connection closed by peer' not in r.stderr:
            break
    assert r.returncode == 0, f'{cmd}\n{r.stdout}\n{r.stderr[-3000:]}'
    return r

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
