#!/usr/bin/env bash
# Python tools: moto (AWS emulator), cfn-lint and checkov (template checks), pinned to the versions the
# tests were proven with (moto's protocol details and checkov's check set change between releases).
set -euo pipefail
pip install -q --disable-pip-version-check 'moto[server]==5.2.1' 'cfn-lint==1.58.0' 'checkov==3.3.30'
