import type { Provider, Type } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';
import { DashboardFiles } from './adapters/dashboard-files';

/** The web dashboard's page and assets, spread into AppModule. Its controller holds the GET fallback for page routes. */
export const DASHBOARD_FEATURE: { controllers: Type[]; providers: Provider[] } = {
  controllers: [DashboardController],
  providers: [{ provide: DashboardFiles, useFactory: () => DashboardFiles.locate() }],
};
