#!/usr/bin/env python3
"""Times the whole programs of bench/programs under wi, natively, under the peer interpreters of
../shared/peers (wasm3, WAMR's fast interpreter, toywasm) and under node (V8 with its default tiering,
and --liftoff-only), all in the same run and interleaved, checks that every runtime prints the same
checksum, prints a table of medians, ratios and peak RSS, runs CoreMark under every wasm runtime, and
writes an SVG bar chart of the ratios. A peer that is absent is skipped, and the run says so.

    python3 bench/run_programs.py --build build            # full run (a few minutes)
    python3 bench/run_programs.py --build build --short    # small N, one run each (CI, < 60 s)

Each program exports `int run(int n)`; wi runs it as `wi exec P.wasm --invoke run N` (and, as wi-dyn,
P-dyn.wasm with `--lib libc.wasm`: the same source wasmified against libc), node through
bench/node_run.mjs, the native binary as `P.native N`. The programs come from <build>/bench (built by
bench/meson.build); when they are missing they are compiled with clang into a temporary directory.

Times are wall-clock medians of whole processes; peak RSS is each process's own (GNU time's %M). In the full mode each runtime's start-up cost
(process start, module compilation, run(0)) is measured too and subtracted before computing ratios, so
node's ~40 ms start does not hide its speed. Exit status: 1 when a runtime fails or the checksums
differ, 2 on a usage error; never because of the times.
"""
import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import re
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# name: (N for the full run, N for --short). Full N gives wi about 1-2 s per run on a 2.6 GHz machine.
PROGRAMS = {
    'fib': (38, 25),
    'fnptr': (30_000_000, 200_000),
    'sieve': (24, 1),
    'matmul': (512, 64),
    'nbody': (1_200_000, 20_000),
    'qsort': (1_000_000, 50_000),
    'vm': (1_200_000, 20_000),
    'strhash': (2_000_000, 30_000),
    'vcalls': (10_000_000, 200_000),
    'lz': (40, 2),
    'simd_dot': (600, 20),
    'simd_dot_scalar': (600, 20),
}

# Programs built from another source or with extra flags: name: (source, wasm flags, native flags).
# Keep in step with bench/meson.build's bench_program_variants.
NO_VEC = ['-fno-vectorize', '-fno-slp-vectorize']
NO_CXX_RUNTIME = ['-fno-exceptions', '-fno-rtti']
VARIANTS = {
    'simd_dot': ('simd_dot', ['-msimd128'], []),
    'simd_dot_scalar': ('simd_dot', NO_VEC, NO_VEC),
    'vcalls': ('vcalls.cpp', NO_CXX_RUNTIME, NO_CXX_RUNTIME),  # C++, without its runtime
}

# (SIMD build, its scalar build): the same work with and without wasm SIMD; reported as a speedup.
SIMD_PAIRS = [('simd_dot', 'simd_dot_scalar')]

# Keep in step with bench/meson.build.
WASM_FLAGS = ['--target=wasm32', '-O2', '-nostdlib', '-Wl,--no-entry', '-Wl,--export=run']
NATIVE_FLAGS = ['-O2', '-DNATIVE']

RATIOS = [('wi/native', 'native', '#4e79a7'), ('wi/wasm3', 'wasm3', '#e15759'),
          ('wi/iwasm', 'iwasm-fast', '#76b7b2'), ('wi/toywasm', 'toywasm', '#edc948'),
          ('wi/node', 'node', '#f28e2b'), ('wi/liftoff', 'liftoff', '#59a14f')]

# The yardstick (../shared/peers/README.md): file name -> how it calls export `run` with N, and how it
# runs a WASI command.
PEERS = {
    'wasm3': (lambda exe, wasm, n: [exe, '--func', 'run', wasm, str(n)], lambda exe, wasm: [exe, wasm]),
    'iwasm-fast': (lambda exe, wasm, n: [exe, '-f', 'run', wasm, str(n)], lambda exe, wasm: [exe, wasm]),
    'toywasm': (lambda exe, wasm, n: [exe, '--load', wasm, '--invoke', f'run {n}'],
                lambda exe, wasm: [exe, '--wasi', wasm]),
}

# What the runtimes print for an i32 result: wi "i32:-5", wasm3 "Result: 6765", toywasm
# "Result: 6765:i32", iwasm "0x1a6d:i32", native and node the plain number. Compared modulo 2^32.
RESULT_RE = re.compile(r'^(?:Result:\s*)?(?:i32:)?(-?\d+|0x[0-9a-fA-F]+)(?::i32)?$')


def compile_programs(names, out_dir):
    clang = shutil.which('clang')
    if not clang:
        sys.exit('run_programs: programs are not built and clang is not on PATH')
    for name in names:
        source, wasm_extra, native_extra = VARIANTS.get(name, (name, [], []))
        src = os.path.join(HERE, 'programs', source if '.' in source else source + '.c')
        subprocess.run([clang, *WASM_FLAGS, *wasm_extra, src, '-o', os.path.join(out_dir, name + '.wasm')],
                       check=True)
        subprocess.run([clang, *NATIVE_FLAGS, *native_extra, src, '-o',
                        os.path.join(out_dir, name + '.native'), '-lm'], check=True)


# GNU time reports the peak RSS of the command alone: a process forked from this script would start out
# with the script's own pages counted (ru_maxrss keeps the high-water mark from before exec).
GNU_TIME = '/usr/bin/time' if os.access('/usr/bin/time', os.X_OK) else None


def run_process(cmd, timeout):
    """Runs cmd to its end. Returns (seconds, exit status or None on time-out, stdout+stderr text, peak
    RSS in KiB or None)."""
    with tempfile.NamedTemporaryFile('r') as rss_file:
        full = [GNU_TIME, '-f', '%M', '-o', rss_file.name, *cmd] if GNU_TIME else cmd
        start = time.perf_counter()
        try:
            p = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               timeout=timeout)
        except subprocess.TimeoutExpired:
            return time.perf_counter() - start, None, '', None
        elapsed = time.perf_counter() - start
        lines = rss_file.read().split()
    rss = int(lines[-1]) if lines and lines[-1].isdigit() else None
    return elapsed, p.returncode, p.stdout.decode(errors='replace'), rss


def run_once(cmd, timeout):
    """Returns (seconds, checksum or None, error text or None, peak RSS KiB)."""
    elapsed, status, text, rss = run_process(cmd, timeout)
    if status is None:
        return elapsed, None, f'timed out after {timeout} s', rss
    if status != 0:
        return elapsed, None, f'exit status {status}: {text.strip()[:300]}', rss
    for line in reversed(text.strip().splitlines()):
        m = RESULT_RE.match(line.strip())
        if m:
            return elapsed, int(m.group(1), 0) & 0xffffffff, None, rss
    return elapsed, None, f'unexpected output {text.strip()[:100]!r}', rss


def coremark(args, cmds, reps, timeout):
    """CoreMark iterations/s under each wasm runtime (median of `reps` runs, interleaved)."""
    scores = {k: [] for k in cmds}
    failures = []
    for _ in range(reps):
        for k, cmd in cmds.items():
            _, status, text, _ = run_process(cmd, timeout)
            m = re.search(r'Iterations/Sec\s*:\s*([0-9.]+)', text)
            if status != 0 or not m or 'Correct operation validated' not in text:
                failures.append(f'coremark: {k}: exit status {status}: {text.strip()[-200:]!r}')
                continue
            scores[k].append(float(m.group(1)))
    return {k: statistics.median(v) if v else None for k, v in scores.items()}, failures


def runtimes(args, prog_dir, name):
    wasm = os.path.join(prog_dir, name + '.wasm')
    rts = {
        'wi': lambda n: [args.wi, 'exec', wasm, '--invoke', 'run', str(n)],
        'native': lambda n: [os.path.join(prog_dir, name + '.native'), str(n)],
    }
    if args.alt:  # another wi build (say, the other executor), timed in the same run
        rts['wi-alt'] = lambda n: [args.alt, 'exec', wasm, '--invoke', 'run', str(n)]
    # Dynamically linked: the program wasmified from a wasm32-wasi object, with libc.wasm.
    dyn = os.path.join(prog_dir, name + '-dyn.wasm')
    libc = os.path.join(args.build, 'guest', 'libc.wasm')
    if os.path.exists(dyn) and os.path.exists(libc):
        rts['wi-dyn'] = lambda n: [args.wi, 'exec', dyn, '--lib', libc, '--invoke', 'run', str(n)]
    for peer, (invoke, _) in PEERS.items():
        if peer in args.peers:
            rts[peer] = lambda n, exe=args.peers[peer], invoke=invoke: invoke(exe, wasm, n)
    if args.node:
        loader = os.path.join(HERE, 'node_run.mjs')
        rts['node'] = lambda n: [args.node, loader, wasm, str(n)]
        rts['liftoff'] = lambda n: [args.node, '--liftoff-only', loader, wasm, str(n)]
    return rts


def fmt_time(t):
    return '-' if t is None else f'{t:.3f}'


def fmt_dyn(times):
    """wi dynamically linked (with libc.wasm) over wi static: the price of the dynamic link."""
    if times.get('wi-dyn') and times.get('wi'):
        return f'{times["wi-dyn"] / times["wi"]:.2f}'
    return '-'


def fmt_ratio(r):
    # Three significant digits below 10: the targets are ratios like 0.5 of a peer's time, and one
    # decimal printed 0.46 and 0.54 alike as "0.5".
    if r is None:
        return '-'
    if r < 1:
        return f'{r:.3f}'
    return f'{r:.2f}' if r < 10 else (f'{r:.1f}' if r < 100 else f'{r:.0f}')


def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def write_svg(path, rows, title):
    """Grouped bars of the three ratios per program on a log scale (hand-written SVG)."""
    groups = [(r['name'], [r['ratios'].get(k) for k, _, _ in RATIOS]) for r in rows]
    gm = [geomean([r['ratios'].get(k) for r in rows]) for k, _, _ in RATIOS]
    groups.append(('geomean', gm))
    values = [v for _, vs in groups for v in vs if v]
    # Decades from 10^lo to 10^hi: below 1x only when some ratio is below 1 (wi faster).
    lo = min(0, math.floor(math.log10(min(values + [1.0]))))
    hi = max(lo + 1, math.ceil(math.log10(max(values + [2.0]) * 1.15)))
    left, right, top_pad, bottom = 60, 20, 50, 60
    group_w, bar_w = 96, 24
    width = max(left + right + group_w * len(groups), 720)
    height = 360
    plot_h = height - top_pad - bottom

    def y(v):
        v = min(max(v, 10.0 ** lo), 10.0 ** hi)
        return top_pad + plot_h * (1 - (math.log10(v) - lo) / (hi - lo))

    e = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
         f'font-family="sans-serif" font-size="11">',
         f'<rect width="{width}" height="{height}" fill="white"/>',
         f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>']
    for d in range(lo, hi + 1):
        for m in (1, 2, 5):
            v = m * 10.0 ** d
            if v > 10.0 ** hi * 1.001:
                break
            yy = y(v)
            e.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{width - right}" y2="{yy:.1f}" '
                     f'stroke="{"#888" if v == 1 else "#bbb" if m == 1 else "#e6e6e6"}"/>')
            e.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{v:g}&#215;</text>')
    for gi, (name, vals) in enumerate(groups):
        x0 = left + gi * group_w + (group_w - bar_w * len(RATIOS)) / 2
        for bi, v in enumerate(vals):
            if not v:
                continue
            x = x0 + bi * bar_w
            yy = y(v)
            e.append(f'<rect x="{x:.1f}" y="{yy:.1f}" width="{bar_w - 2}" height="{top_pad + plot_h - yy:.1f}" '
                     f'fill="{RATIOS[bi][2]}"><title>{name} {RATIOS[bi][0]} = {v:.2f}</title></rect>')
            e.append(f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{yy - 3:.1f}" text-anchor="middle" '
                     f'font-size="9">{fmt_ratio(v)}</text>')
        weight = ' font-weight="bold"' if name == 'geomean' else ''
        e.append(f'<text x="{left + gi * group_w + group_w / 2}" y="{top_pad + plot_h + 16}" '
                 f'text-anchor="middle"{weight}>{name}</text>')
    e.append(f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}" '
             f'stroke="black"/>')
    lx = left
    for label, _, color in RATIOS:
        e.append(f'<rect x="{lx}" y="{height - 22}" width="12" height="12" fill="{color}"/>')
        e.append(f'<text x="{lx + 16}" y="{height - 12}">{label} (time ratio, lower is better)</text>')
        lx += 230
    e.append('</svg>')
    with open(path, 'w') as f:
        f.write('\n'.join(e) + '\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--build', required=True, help='meson build directory (wi is <build>/host/wi)')
    ap.add_argument('--short', action='store_true', help='small N, one run each, no start-up runs (CI)')
    ap.add_argument('--reps', type=int, help='runs per runtime and program (default 5, --short 1)')
    ap.add_argument('--only', help='comma-separated program names')
    ap.add_argument('--programs', help='directory with NAME.wasm and NAME.native (default <build>/bench)')
    ap.add_argument('--wi', help='the wi binary (default <build>/host/wi)')
    ap.add_argument('--no-node', action='store_true', help='skip node even when it is installed')
    ap.add_argument('--svg', help='chart path (default <build>/bench-programs.svg)')
    ap.add_argument('--json', help='also write the measurements as JSON')
    ap.add_argument('--peers', help='directory of the peer interpreters and CoreMark (default ../shared/peers '
                    'beside the source tree)')
    ap.add_argument('--alt', help='a second wi binary to time in the same run (column wi-alt, ratio wi/alt): '
                    'an A/B of two builds, e.g. the tail-calling and the computed-goto executor')
    ap.add_argument('--no-coremark', action='store_true', help='skip the CoreMark runs')
    args = ap.parse_args()

    args.wi = args.wi or os.path.join(args.build, 'host', 'wi')
    if args.alt:
        RATIOS.insert(1, ('wi/alt', 'wi-alt', '#b07aa1'))
    if not os.access(args.wi, os.X_OK):
        print(f'run_programs: {args.wi} not found; build wi first (meson compile -C {args.build})',
              file=sys.stderr)
        return 2
    args.node = None if args.no_node else shutil.which('node')
    peer_dir = args.peers or os.path.join(HERE, '..', '..', 'shared', 'peers')
    args.peers = {}
    for peer in PEERS:
        exe = os.path.join(peer_dir, peer)
        if os.access(exe, os.X_OK):
            args.peers[peer] = exe
        else:
            print(f'(peer {peer} not found at {exe}: skipped)')
    names = list(PROGRAMS)
    if args.only:
        names = [n.strip() for n in args.only.split(',') if n.strip()]
        unknown = [n for n in names if n not in PROGRAMS]
        if unknown:
            print(f'run_programs: unknown program(s) {", ".join(unknown)}', file=sys.stderr)
            return 2
    reps = args.reps or (1 if args.short else 5)
    timeout = 60 if args.short else 900

    tmp = None
    prog_dir = args.programs or os.path.join(args.build, 'bench')
    missing = [n for n in names for ext in ('.wasm', '.native')
               if not os.path.exists(os.path.join(prog_dir, n + ext))]
    if missing:
        if args.programs:
            print(f'run_programs: {args.programs} lacks {missing[0]}.wasm/.native', file=sys.stderr)
            return 2
        tmp = tempfile.TemporaryDirectory(prefix='wi-bench-')
        prog_dir = tmp.name
        print(f'(programs not found in {args.build}/bench: compiling them with clang into {prog_dir})')
        compile_programs(names, prog_dir)

    mode = 'short' if args.short else 'full'
    print(f'wi: {args.wi}; node: {args.node or "not used"}; mode: {mode}, {reps} run(s) each')
    failures = []
    peer_notes = []
    rows = []
    for name in names:
        n = PROGRAMS[name][1 if args.short else 0]
        rts = runtimes(args, prog_dir, name)
        times = {k: [] for k in rts}
        rss = {k: [] for k in rts}
        startup = {k: [] for k in rts}
        sums = {}
        for _ in range(reps):  # interleave runtimes so drift affects them alike
            for k, cmd in rts.items():
                t, s, err, kib = run_once(cmd(n), timeout)
                if err:
                    # A peer may lack a feature (wasm3 has no SIMD): noted, not a failure of wi's.
                    (peer_notes if k in PEERS else failures).append(f'{name}: {k}: {err[:160]}')
                    continue
                times[k].append(t)
                rss[k].append(kib)
                if sums.setdefault(k, s) != s:
                    failures.append(f'{name}: {k}: checksum changed between runs ({sums[k]} then {s})')
                if not args.short:
                    t0, _, err0, _ = run_once(cmd(0), timeout)
                    if not err0:
                        startup[k].append(t0)
        if len(set(sums.values())) > 1:  # peers too: a peer computing another result is worth knowing
            failures.append(f'{name}: checksums differ: ' + ', '.join(f'{k}={v}' for k, v in sums.items()))
        wall = {k: statistics.median(v) if v else None for k, v in times.items()}
        start = {k: statistics.median(v) if v else 0.0 for k, v in startup.items()}
        # Net time: the run minus the runtime's own start-up (never below 1 ms, so ratios stay finite).
        net = {k: None if wall[k] is None else max(wall[k] - start[k], 1e-3) for k in rts}
        ratios = {}
        for label, other, _ in RATIOS:
            if net.get('wi') and net.get(other):
                ratios[label] = net['wi'] / net[other]
        rows.append({'name': name, 'n': n, 'wall': wall, 'startup': start, 'net': net, 'ratios': ratios,
                     'rss_kib': {k: statistics.median(v) if v else None for k, v in rss.items()},
                     'checksum': sums.get('native', sums.get('wi'))})
        print(f'  {name:15} N={n:<10} ' + '  '.join(f'{k} {fmt_time(wall[k])}s' for k in rts), flush=True)

    cols = ['wi', *(['wi-alt'] if args.alt else []), 'wi-dyn', 'native', *[p for p in PEERS if p in args.peers], 'node', 'liftoff']
    if not args.node:
        cols = [c for c in cols if c not in ('node', 'liftoff')]
    what = 'wall seconds incl. start-up' if args.short else 'seconds, median, start-up subtracted'
    print(f'\n{"program":15} {"N":>10} ' + ' '.join(f'{c:>8}' for c in cols) + '  '
          + ' '.join(f'{label:>10}' for label, _, _ in RATIOS) + f'  {"dyn/static":>11}')
    for r in rows:
        times_used = r['wall'] if args.short else r['net']
        print(f'{r["name"]:15} {r["n"]:>10} ' + ' '.join(f'{fmt_time(times_used.get(c)):>8}' for c in cols)
              + '  ' + ' '.join(f'{fmt_ratio(r["ratios"].get(label)):>10}' for label, _, _ in RATIOS)
              + f'  {fmt_dyn(times_used):>11}')
    print(f'{"geomean":15} {"":>10} ' + ' '.join(f'{"":>8}' for _ in cols) + '  '
          + ' '.join(f'{fmt_ratio(geomean([r["ratios"].get(label) for r in rows])):>10}'
                     for label, _, _ in RATIOS))
    print(f'({what}; ratios are time(wi) / time(other): lower is better)')
    by_name = {r['name']: r for r in rows}
    simd_speedups = {}
    for simd, scalar in SIMD_PAIRS:
        if simd in by_name and scalar in by_name and by_name[simd]['n'] == by_name[scalar]['n']:
            t_simd = by_name[simd]['wall' if args.short else 'net']
            t_scalar = by_name[scalar]['wall' if args.short else 'net']
            sp = {c: t_scalar[c] / t_simd[c] for c in cols if t_simd.get(c) and t_scalar.get(c)}
            simd_speedups[simd] = sp
            wi_sp = f'{sp["wi"]:.2f}x' if 'wi' in sp else '-'
            print(f'simd speedup under wi = {scalar} time / {simd} time = {wi_sp}'
                  + ('' if len(sp) < 2 else ' (' + ', '.join(f'{c} {sp[c]:.2f}x' for c in cols[1:] if c in sp)
                                               + ')'))
    print('\npeak RSS, MiB (median): ' + ' '.join(f'{c:>10}' for c in cols))
    for r in rows:
        print(f'  {r["name"]:22} ' + ' '.join(
            f'{(r["rss_kib"].get(c) or 0) / 1024:>10.1f}' if r['rss_kib'].get(c) else f'{"-":>10}' for c in cols))
    coremark_scores = {}
    if not args.no_coremark:
        cm = os.path.join(peer_dir, 'coremark-small.wasm' if args.short else 'coremark.wasm')
        if os.path.exists(cm):
            cmds = {'wi': [args.wi, 'exec', cm]}
            if args.alt:
                cmds['wi-alt'] = [args.alt, 'exec', cm]
            for peer, (_, wasi) in PEERS.items():
                if peer in args.peers:
                    cmds[peer] = wasi(args.peers[peer], cm)
            coremark_scores, cm_failures = coremark(args, cmds, 1 if args.short else min(reps, 3), timeout)
            for f in cm_failures:
                (failures if f.startswith('coremark: wi:') else peer_notes).append(f)
            line = ', '.join(f'{k} {v:,.0f}' for k, v in coremark_scores.items() if v)
            vs = ', '.join(f'wi/{k} {coremark_scores["wi"] / v:.2f}x' for k, v in coremark_scores.items()
                           if k != 'wi' and v and coremark_scores.get('wi'))
            print(f'\nCoreMark ({os.path.basename(cm)}), iterations/s, higher is better: {line}'
                  + (f' (throughput {vs})' if vs else ''))
        else:
            print(f'(CoreMark not found at {cm}: skipped)')
    if not args.short:
        print('start-up medians (run(0)): ' + ', '.join(
            f'{c} {statistics.median([r["startup"][c] for r in rows if c in r["startup"]]) * 1000:.1f} ms'
            for c in cols if any(c in r['startup'] for r in rows)))

    svg = args.svg or os.path.join(args.build, 'bench-programs.svg')
    write_svg(svg, rows, f'wi vs native and V8 ({mode} run; time ratios, log scale)')
    print(f'chart: {svg}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'mode': mode, 'reps': reps, 'programs': rows, 'simd_speedups': simd_speedups,
                       'coremark': coremark_scores, 'failures': failures}, f, indent=1)

    if peer_notes:
        print('\npeers that could not run a program (not counted as failures):\n  ' + '\n  '.join(peer_notes))
    if tmp:
        tmp.cleanup()
    if failures:
        print('\nFAILED:\n  ' + '\n  '.join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
