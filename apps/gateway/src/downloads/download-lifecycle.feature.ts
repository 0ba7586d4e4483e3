import { JobStatusQueriesHandler } from './job-status-queries.handler';
import { MetadataController } from './metadata.controller';

/** Metadata without downloading, and the job-status answers workers ask for before starting a job. */
export const DOWNLOAD_LIFECYCLE_FEATURE = { controllers: [MetadataController, JobStatusQueriesHandler], providers: [] };
