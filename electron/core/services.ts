// The engine-level services, created once per engine (modules.ts lists the per-account ones). Adding one
// adds one line here.
import type { ServiceCommandsOf } from './engine-service.ts';
import { preferencesService } from './preferences/preferences-service.ts';
import { linksService } from './links/links-service.ts';
import { idleService } from './idle/idle-service.ts';

export const SERVICES = [preferencesService, linksService, idleService] as const;

export type ServiceCommand = ServiceCommandsOf<typeof SERVICES>;
