import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUrl, MaxLength } from 'class-validator';
import { DownloadOptionsDto, HTTP_URL } from '../../submissions/dto/download-options.dto';

export class CreateDownloadDto extends DownloadOptionsDto {
  @ApiProperty({ example: 'https://example.com/video', description: 'http or https URL of a video page, stream, or file' })
  @IsString({ message: 'url is required' })
  @MaxLength(4096)
  @IsUrl(HTTP_URL, { message: 'url must be an http or https URL' })
  url!: string;
}
