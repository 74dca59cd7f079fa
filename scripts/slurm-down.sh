#!/usr/bin/env bash
# Stops the single-node SLURM that scripts/slurm-up.sh started (both daemons; munged stays, it is harmless).
set -uo pipefail
command -v scontrol >/dev/null || exit 0
scontrol shutdown >/dev/null 2>&1 || true
for _ in $(seq 50); do pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null || exit 0; sleep 0.2; done
echo "slurm-down: slurmctld or slurmd still running" >&2
exit 1
