import type { CliCommand } from '../command.js';
import { chartsCommand } from './charts.js';
import { controllerCommand } from './controller.js';
import { crdsCommand } from './crds.js';
import { demoCommand } from './demo.js';
import { helmCommand } from './helm.js';
import { installCommand } from './install.js';
import { kustomizeCommand } from './kustomize.js';
import { simCommand } from './sim.js';

/** Every sub-command, in the order `fluxion --help` lists them. */
export const commands: CliCommand[] = [chartsCommand, controllerCommand, crdsCommand, demoCommand, helmCommand, installCommand, kustomizeCommand, simCommand];
