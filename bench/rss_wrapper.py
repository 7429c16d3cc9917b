"""Provider launcher used by the bench mirror: runs the real provider command as a child (same stdin,
stdout and stderr, so Terraform's handshake is untouched), waits for it and appends its peak
resident set size (`ru_maxrss`, KiB) to `$BENCH_RSS_DIR/<label>.rss` and its CPU seconds (user + system)
to `<label>.cpu`.

    python rss_wrapper.py LABEL COMMAND...
"""

import os
import signal
import sys


def main() -> int:
    label, command = sys.argv[1], sys.argv[2:]
    pid = os.posix_spawn(command[0], command, os.environ)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: os.kill(pid, signum))
    while True:
        try:
            _, status, usage = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
    out_dir = os.environ.get("BENCH_RSS_DIR")
    if out_dir:
        with open(os.path.join(out_dir, f"{label}.rss"), "a") as fh:
            fh.write(f"{usage.ru_maxrss}\n")
        with open(os.path.join(out_dir, f"{label}.cpu"), "a") as fh:
            fh.write(f"{usage.ru_utime + usage.ru_stime:.3f}\n")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
