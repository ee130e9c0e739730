import { runCli } from './main';

process.exitCode = runCli(process.argv.slice(2));
