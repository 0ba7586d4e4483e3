import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength, MinLength } from 'class-validator';

export class CreateCookiesDto {
  @ApiProperty({ example: 'my-youtube-account', description: 'A label for you; 1–100 characters' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({
    example: '# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tTRUE\t1900000000\tsession\tabc123\n',
    description: 'A Netscape cookies file (what browser "cookies.txt" exporters write). Stored encrypted, never returned.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200_000)
  cookies!: string;
}
