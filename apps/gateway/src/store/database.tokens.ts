import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** The gateway's one query layer (SQLite or PostgreSQL), injected with `@Inject(DATABASE)`. */
export const DATABASE = Symbol('DATABASE');
export type GatewayDatabase = Kysely<Database>;

/** Which engine DATABASE speaks (a few statements differ), injected with `@Inject(STORE_KIND)`. */
export const STORE_KIND = Symbol('STORE_KIND');
export type StoreKind = 'sqlite' | 'postgres';
