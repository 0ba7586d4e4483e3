import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/api-key.guard';
import { CookiesService } from './cookies.service';
import { CreateCookiesDto } from './dto/create-cookies.dto';

@ApiTags('cookies')
@ApiSecurity('api_key')
@Controller('api/v1/cookies')
export class CookiesController {
  constructor(private readonly cookies: CookiesService) {}

  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateCookiesDto, @Identity() who: ApiKeyIdentity) {
    return this.cookies.create(dto, who);
  }

  @Get()
  list(@Identity() who: ApiKeyIdentity) {
    return this.cookies.list(who);
  }

  @Get(':id')
  get(@Param('id') id: string, @Identity() who: ApiKeyIdentity) {
    return this.cookies.get(id, who);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string, @Identity() who: ApiKeyIdentity) {
    return this.cookies.remove(id, who);
  }
}
