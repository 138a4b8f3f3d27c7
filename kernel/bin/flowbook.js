#!/usr/bin/env node
'use strict';
// The `flowbook` command; the compiled CLI does the work.
require('../dist/cli/main.js').runFromCommandLine();
