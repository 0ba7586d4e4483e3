import type { Provider } from '@nestjs/common';
import { optionalStr } from '@mda/config';
import { NodeFsJobCookieFiles } from './adapters/node-fs-job-cookie-files';
import { JobCookieFiles } from './ports/job-cookie-files';

/** The worker holds the same COOKIE_ENCRYPTION_KEY as the gateway; checked only when a job brings cookies. */
export const WORKER_COOKIES_PROVIDERS: Provider[] = [
  { provide: JobCookieFiles, useFactory: () => new NodeFsJobCookieFiles(optionalStr(process.env, 'COOKIE_ENCRYPTION_KEY')) },
];
