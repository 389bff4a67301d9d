import { ProfilesCreateCommand } from './profiles/create.js';
import { ProfilesListCommand } from './profiles/list.js';
import { ProfilesShowCommand } from './profiles/show.js';
import { ProfilesSetCommand } from './profiles/set.js';
import { ProfilesRmCommand } from './profiles/rm.js';
import { ProfilesEnvCommand } from './profiles/env.js';
import { ProfilesRunCommand } from './profiles/run.js';
import { KeychainSetCommand } from './keychain/set.js';
import { KeychainListCommand } from './keychain/list.js';
import { KeychainRemoveCommand } from './keychain/remove.js';
import { ProvidersListCommand } from './providers/list.js';
import { AgentsListCommand } from './agents/list.js';
import { InitCommand } from './init.js';

export const commands = [
  ProfilesCreateCommand, ProfilesListCommand, ProfilesShowCommand, ProfilesSetCommand, ProfilesRmCommand,
  ProfilesEnvCommand, ProfilesRunCommand, KeychainSetCommand, KeychainListCommand, KeychainRemoveCommand,
  ProvidersListCommand, AgentsListCommand, InitCommand,
];
