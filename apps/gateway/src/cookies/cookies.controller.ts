import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOp } from '../docs/decorators';
import { CookiesList, StoredCookies } from '../docs/batch-models';
import { ApiTags } from '@nestjs/swagger';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/identity';
import { CookiesService } from './cookies.service';
import { CreateCookiesDto } from './dto/create-cookies.dto';

@ApiTags('cookies')
@Controller('api/v1/cookies')
export class CookiesController {
  constructor(private readonly cookies: CookiesService) {}

  @Post()
  @ApiOp({
    summary: 'Upload cookies',
    description: 'Stores a Netscape cookies.txt (encrypted at rest) for later downloads: pass the returned id as cookies_id.',
    status: 201,
    type: StoredCookies,
    okDescription: 'Stored',
    body: true,
    errors: [400, 503],
  })
  @HttpCode(201)
  create(@Body() dto: CreateCookiesDto, @Identity() who: ApiKeyIdentity) {
    return this.cookies.create(dto, who);
  }

  @Get()
  @ApiOp({ summary: 'List cookies', description: "The caller's stored cookies (never their content), newest first.", type: CookiesList })
  list(@Identity() who: ApiKeyIdentity) {
    return this.cookies.list(who);
  }

  @Get(':id')
  @ApiOp({ summary: 'One stored cookies entry', description: 'Its id, name and dates (never the content).', type: StoredCookies, errors: [404] })
  get(@Param('id') id: string, @Identity() who: ApiKeyIdentity) {
    return this.cookies.get(id, who);
  }

  @Delete(':id')
  @ApiOp({ summary: 'Delete cookies', description: 'Removes the stored cookies.', status: 204, okDescription: 'Deleted', errors: [404] })
  @HttpCode(204)
  remove(@Param('id') id: string, @Identity() who: ApiKeyIdentity) {
    return this.cookies.remove(id, who);
  }
}
