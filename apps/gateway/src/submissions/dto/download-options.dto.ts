import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';
import { DOWNLOAD_OPTIONS } from '@mda/contracts';
import { downloadOptionFieldsClass } from './download-option-decorators';

export const HTTP_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_host: true, allow_underscores: true };

/**
 * Options shared by single, batch, playlist and channel downloads: every entry of the catalogue
 * (DOWNLOAD_OPTIONS, validated and documented from it), then where the job's events go.
 */
export class DownloadOptionsDto extends downloadOptionFieldsClass(DOWNLOAD_OPTIONS) {
  @ApiPropertyOptional({ example: 'https://your-app.com/webhook', description: 'Receives signed download.* events (see the webhooks guide)' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @IsUrl(HTTP_URL, { message: 'webhook_url must be an http or https URL' })
  webhook_url?: string;
}
