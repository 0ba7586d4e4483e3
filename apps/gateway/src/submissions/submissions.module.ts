import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { SubmitDownload } from './submit-download.use-case';
import { UrlPolicy } from './url-policy';

/** The one submit path (URL policy, options, cookies, job row, command) and the URL policy listings use too. */
@Module({
  imports: [JobsModule],
  providers: [UrlPolicy, SubmitDownload],
  exports: [UrlPolicy, SubmitDownload],
})
export class SubmissionsModule {}
