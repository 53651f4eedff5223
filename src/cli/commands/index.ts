import type { CliCommand } from '../command.js';
import { chartsCommand } from './charts.js';
import { controllerCommand } from './controller.js';
import { crdsCommand } from './crds.js';
import { demoCommand } from './demo.js';
import { helmCommand } from './helm.js';
import { installCommand } from './install.js';
import { kustomizeCommand } from './kustomize.js';
import { simCommand } from './sim.js';
import { getCommand } from './get.js';
import { reconcileCommand } from './reconcile.js';
import { resumeCommand, suspendCommand } from './suspend.js';
import { eventsCommand } from './events.js';
import { exportCommand } from './export.js';
import { treeCommand } from './tree.js';
import { traceCommand } from './trace.js';
import { statsCommand } from './stats.js';
import { logsCommand } from './logs.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { checkCommand } from './check.js';
import { uninstallCommand } from './uninstall.js';
import { completionCommand } from './completion.js';
import { buildCommand } from './build.js';
import { diffCommand } from './diff.js';

/** Every sub-command, in the order `fluxion --help` lists them. */
export const commands: CliCommand[] = [chartsCommand, controllerCommand, crdsCommand, demoCommand, helmCommand, installCommand, kustomizeCommand, simCommand, getCommand, reconcileCommand, suspendCommand, resumeCommand, eventsCommand, exportCommand, treeCommand, traceCommand, statsCommand, logsCommand, createCommand, deleteCommand, checkCommand, uninstallCommand, buildCommand, diffCommand, completionCommand];
