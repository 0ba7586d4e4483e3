import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsString, IsUrl, MaxLength, ValidationArguments, isURL } from 'class-validator';
import { HTTP_URL } from '../../submissions/dto/download-options.dto';
import { BatchControlDto } from './batch-control.dto';

const MAX_URL = 4096;

/** Names the first bad item by its index, so a client can point at the line to fix. */
function firstBad(test: (u: unknown) => boolean, what: string) {
  return (args: ValidationArguments): string => {
    const list = Array.isArray(args.value) ? (args.value as unknown[]) : [];
    const i = list.findIndex((u) => !test(u));
    return `urls[${Math.max(i, 0)}] ${what}`;
  };
}

/** The first URL that repeats an earlier one. */
function firstRepeat(args: ValidationArguments): string {
  const list = Array.isArray(args.value) ? (args.value as unknown[]) : [];
  const i = list.findIndex((u, k) => list.indexOf(u) !== k);
  return `urls[${Math.max(i, 0)}] repeats urls[${Math.max(list.indexOf(list[i]), 0)}]; each URL may appear once`;
}

export class CreateBatchDto extends BatchControlDto {
  @ApiProperty({ type: [String], minItems: 1, maxItems: 100, example: ['https://example.com/video1', 'https://example.com/video2'] })
  @IsArray({ message: 'urls must be a list of 1 to 100 URLs' })
  @ArrayMinSize(1, { message: 'urls must hold at least 1 URL' })
  @ArrayMaxSize(100, { message: 'urls must hold at most 100 URLs' })
  @ArrayUnique({ message: firstRepeat })
  @IsString({ each: true, message: firstBad((u) => typeof u === 'string', 'must be a string (a URL)') })
  @MaxLength(MAX_URL, { each: true, message: firstBad((u) => typeof u === 'string' && u.length <= MAX_URL, `must be at most ${MAX_URL} characters`) })
  @IsUrl(HTTP_URL, { each: true, message: firstBad((u) => typeof u === 'string' && isURL(u, HTTP_URL), 'must be an http or https URL') })
  urls!: string[];
}
