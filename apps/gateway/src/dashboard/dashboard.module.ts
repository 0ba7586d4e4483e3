import { Module } from '@nestjs/common';
import { DashboardFiles } from './adapters/dashboard-files';
import { DashboardController } from './dashboard.controller';

/** The web dashboard's page and assets; its controller holds the GET fallback for page routes. */
@Module({
  controllers: [DashboardController],
  providers: [{ provide: DashboardFiles, useFactory: () => DashboardFiles.locate() }],
})
export class DashboardModule {}
