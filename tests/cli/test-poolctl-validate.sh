#!/usr/bin/env bash
# poolctl validate, run as a user or a CI job runs it. Usage: test-poolctl-validate.sh POOLCTL FIXTURES
exit 77
