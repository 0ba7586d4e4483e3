import { DynamicModule, Global, Module } from '@nestjs/common';
import { StoreOptions, createDatabase, storeKind } from './database';
import { DATABASE, STORE_KIND } from './database.tokens';

/**
 * The job store's connection (SQLite by default, PostgreSQL when DATABASE_URL says so) for every
 * module's repositories. Global: the connection is infrastructure, not a feature; each repository
 * is provided by the module that owns its tables.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(opts: StoreOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE, useFactory: () => createDatabase(opts) },
        { provide: STORE_KIND, useValue: storeKind(opts) },
      ],
      exports: [DATABASE, STORE_KIND],
    };
  }
}
