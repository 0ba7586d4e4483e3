import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsString, IsUrl, MaxLength } from 'class-validator';
import { HTTP_URL } from '../../downloads/dto/create-download.dto';
import { BatchControlDto } from './batch-control.dto';

export class CreateBatchDto extends BatchControlDto {
  @ApiProperty({ type: [String], minItems: 1, maxItems: 100, example: ['https://example.com/video1', 'https://example.com/video2'] })
  @IsArray({ message: 'urls must be a list of 1 to 100 URLs' })
  @ArrayMinSize(1, { message: 'urls must hold at least 1 URL' })
  @ArrayMaxSize(100, { message: 'urls must hold at most 100 URLs' })
  @ArrayUnique({ message: 'urls must not repeat a URL' })
  @IsString({ each: true }) @MaxLength(4096, { each: true })
  @IsUrl(HTTP_URL, { each: true, message: 'each of urls must be an http or https URL' })
  urls!: string[];
}
