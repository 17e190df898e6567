#!/usr/bin/env bash
# The payment generator and the verifier on their own, against a running stack (scripts/stack.sh up, with the
# dedup-processor and payments-consumer started on it): generate produces duplicated payments to the input topic
# and writes a manifest; verify checks the ledger and the topics against that manifest and exits 1 unless every
# payment was booked exactly once. Builds the load module first when its sources changed.
#
# usage: scripts/payments.sh generate|verify [options]
#        scripts/payments.sh generate --help    (and verify --help) list the options and their defaults
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

case "${1:-}" in
  generate) main=io.quondam.load.GenerateCli ;;
  verify) main=io.quondam.load.VerifyCli ;;
  -h|--help|"") print_help; exit 0 ;;
  *) die "unknown command $1 (see --help)" ;;
esac
shift
run_main load 512m "$main" "$@"
