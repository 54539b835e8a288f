#!/usr/bin/env node
// The `fairvisor` command; the code lives in gateways/cli, compiled to dist/ by `npm run build:ts`.
import { main, processIo } from "../dist/gateways/cli/index.js";

process.exitCode = await main(process.argv.slice(2), processIo());
