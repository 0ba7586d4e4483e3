/**
 * The gateway's shapes as the page uses them: all taken from the types libs/client generates from
 * the OpenAPI document (libs/client/openapi.json), so the dashboard cannot drift from the API.
 * Only the lists the page offers (qualities, formats, statuses) are values; the compiler checks
 * that each holds every value the document allows (and options.spec.ts checks them at run time).
 */
import type { components } from '@mda/client/schema';

type Schemas = components['schemas'];

export type Job = Schemas['Job'];
export type JobStatus = Job['status'];
export type Progress = Schemas['Progress'];
export type FileInfo = Schemas['FileInfo'];
export type MediaMetadata = Schemas['MediaMetadata'];
export type WebhookAttempt = Schemas['WebhookAttempt'];
export type WebhookLog = Pick<Schemas['WebhookDeliveries'], 'webhook_url' | 'attempts'>;
/** One entry of a playlist preview or channel listing. */
export type ListingEntry = Schemas['ListingEntry'];

/** The request of POST /api/v1/download without its url: every option the API takes, as documented. */
export type DownloadRequestOptions = Omit<Schemas['CreateDownloadDto'], 'url'>;
/** What the submit form holds: the documented options, with the three choices it always sends. */
export type DownloadOptions = DownloadRequestOptions & Required<Pick<DownloadRequestOptions, 'quality' | 'video_format' | 'audio_format'>>;

export type Quality = NonNullable<DownloadRequestOptions['quality']>;
export type VideoFormat = NonNullable<DownloadRequestOptions['video_format']>;
export type AudioFormat = NonNullable<DownloadRequestOptions['audio_format']>;

/** The page's own view of a list page. */
export interface JobPage {
  jobs: Job[];
  nextCursor: string | null;
}

export interface LogLine {
  at?: string;
  line: string;
}

/** Compiles only when `Listed` holds every member of `All` (the `satisfies` keeps out values the API lacks). */
type Complete<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : { missing: Exclude<All, Listed> };

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const satisfies readonly JobStatus[];
export const FINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
export const QUALITIES = ['best', '2160p', '4k', '1440p', '1080p', '720p', '480p', '360p', '240p', '144p', 'audio'] as const satisfies readonly Quality[];
export const VIDEO_FORMATS = ['mp4', 'mkv', 'webm'] as const satisfies readonly VideoFormat[];
export const AUDIO_FORMATS = ['mp3', 'm4a', 'opus', 'flac', 'wav'] as const satisfies readonly AudioFormat[];

const _complete: [
  Complete<JobStatus, (typeof JOB_STATUSES)[number]>,
  Complete<Quality, (typeof QUALITIES)[number]>,
  Complete<VideoFormat, (typeof VIDEO_FORMATS)[number]>,
  Complete<AudioFormat, (typeof AUDIO_FORMATS)[number]>,
] = [true, true, true, true];
void _complete;

export const DEFAULT_OPTIONS: DownloadOptions = { quality: 'best', video_format: 'mp4', audio_format: 'mp3' };
