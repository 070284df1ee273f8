/**
 * The one catalogue of user-facing error texts, in both languages. Codes are stable; texts may
 * take `{param}` placeholders. Everything a person sees about a failure comes from here, so that
 * raw exception text never reaches the UI or the CLI (the technical detail stays folded away).
 */
import { visibleText } from './visible-text';

/** One text in each language the app speaks. */
export interface CatalogueTexts {
  en: string;
  'pt-BR': string;
}

/**
 * Every error code the app can report, with its text in English and Brazilian Portuguese; `one`, where a text counts
 * files, is the text for a `count` of 1 ("1 file", not "1 files").
 */
export const errorCatalogue = {
  UNKNOWN: {
    en: 'Something went wrong. Try again; if it keeps happening, copy the details and send them to support.',
    'pt-BR': 'Algo deu errado. Tente de novo; se continuar, copie os detalhes e envie ao suporte.',
  },
  INVALID_INPUT: {
    en: 'The app received a request it does not understand ({field}).',
    'pt-BR': 'O app recebeu um pedido que não entende ({field}).',
  },
  UNKNOWN_COMMAND: {
    en: 'The app does not know the command "{command}".',
    'pt-BR': 'O app não conhece o comando "{command}".',
  },
  FORBIDDEN_SENDER: {
    en: 'A request came from a page that is not S3 Drop, so it was refused.',
    'pt-BR': 'Um pedido veio de uma página que não é o S3 Drop e foi recusado.',
  },
  PROFILE_NOT_FOUND: {
    en: 'There is no profile named "{profile}". Check the name, or add it in Profiles.',
    'pt-BR': 'Não existe um perfil chamado "{profile}". Confira o nome ou adicione-o em Perfis.',
  },
  PROFILE_EXISTS: {
    en: 'A profile named "{profile}" already exists. Choose another name.',
    'pt-BR': 'Já existe um perfil chamado "{profile}". Escolha outro nome.',
  },
  NO_CREDENTIALS: {
    en: 'No sign-in details were found for "{profile}". Add access keys or choose another profile.',
    'pt-BR': 'Não há dados de acesso para "{profile}". Adicione chaves de acesso ou escolha outro perfil.',
  },
  CONFIG_SYNTAX: {
    en: 'Your AWS settings file {file} could not be read: {reason}. Fix the file, then try again.',
    'pt-BR': 'O arquivo de configuração da AWS {file} não pôde ser lido: {reason}. Corrija o arquivo e tente de novo.',
  },
  CONFIG_NOT_UTF8: {
    en: 'Your AWS settings file {file} is not UTF-8 text, so the AWS CLI cannot read it and its profiles are not listed. Save it as UTF-8, then try again.',
    'pt-BR': 'O arquivo de configuração da AWS {file} não está em UTF-8, então a AWS CLI não consegue lê-lo e os perfis dele não aparecem. Salve-o como UTF-8 e tente de novo.',
  },
  CONFIG_BOM: {
    en: 'Your AWS settings file {file} starts with an invisible byte order mark (BOM), so the AWS CLI cannot read it and its profiles are not listed. Save it as "UTF-8" rather than "UTF-8 with BOM", then try again.',
    'pt-BR': 'O arquivo de configuração da AWS {file} começa com uma marca invisível de ordem de bytes (BOM), então a AWS CLI não consegue lê-lo e os perfis dele não aparecem. Salve-o como "UTF-8", e não "UTF-8 com BOM", e tente de novo.',
  },
  CONFIG_NO_SECTION: {
    en: 'Line {line} of your AWS settings file {file} comes before any [section] header, so the AWS CLI cannot read the file and its profiles are not listed. Put it under a header such as [default], then try again.',
    'pt-BR': 'A linha {line} do arquivo de configuração da AWS {file} vem antes de qualquer cabeçalho [seção], então a AWS CLI não consegue ler o arquivo e os perfis dele não aparecem. Coloque-a sob um cabeçalho como [default] e tente de novo.',
  },
  CONFIG_DUPLICATE_SECTION: {
    en: 'The section [{section}] appears twice in your AWS settings file {file} (lines {first} and {line}), so the AWS CLI cannot read the file and its profiles are not listed. Merge the two into one, then try again.',
    'pt-BR': 'A seção [{section}] aparece duas vezes no arquivo de configuração da AWS {file} (linhas {first} e {line}), então a AWS CLI não consegue ler o arquivo e os perfis dele não aparecem. Junte as duas em uma e tente de novo.',
  },
  CONFIG_DUPLICATE_SETTING: {
    en: 'The setting "{setting}" appears twice in the section [{section}] of your AWS settings file {file} (line {line}), so the AWS CLI cannot read the file and its profiles are not listed. Keep one of them, then try again.',
    'pt-BR': 'A configuração "{setting}" aparece duas vezes na seção [{section}] do arquivo de configuração da AWS {file} (linha {line}), então a AWS CLI não consegue ler o arquivo e os perfis dele não aparecem. Mantenha só uma e tente de novo.',
  },
  CONFIG_BAD_LINE: {
    en: 'Line {line} of your AWS settings file {file} is neither a [section] header nor a "name = value" setting, so the AWS CLI cannot read the file and its profiles are not listed. Fix or remove that line (comments start with #), then try again.',
    'pt-BR': 'A linha {line} do arquivo de configuração da AWS {file} não é um cabeçalho [seção] nem uma configuração "nome = valor", então a AWS CLI não consegue ler o arquivo e os perfis dele não aparecem. Corrija ou remova essa linha (comentários começam com #) e tente de novo.',
  },
  CONFIG_BAD_BLOCK: {
    en: 'Each indented line under "{setting}" (line {line}) in your AWS settings file {file} must be "name = value", so the AWS CLI cannot read the file and its profiles are not listed. Fix those lines, then try again.',
    'pt-BR': 'Cada linha recuada sob "{setting}" (linha {line}) no arquivo de configuração da AWS {file} precisa ser "nome = valor", então a AWS CLI não consegue ler o arquivo e os perfis dele não aparecem. Corrija essas linhas e tente de novo.',
  },
  CREDENTIAL_PROCESS_FAILED: {
    en: 'The program that provides credentials for "{profile}" failed or answered something unexpected.',
    'pt-BR': 'O programa que fornece as credenciais de "{profile}" falhou ou respondeu algo inesperado.',
  },
  CREDENTIAL_PROCESS_TIMEOUT: {
    en: 'The program that provides credentials for "{profile}" did not answer in time.',
    'pt-BR': 'O programa que fornece as credenciais de "{profile}" não respondeu a tempo.',
  },
  MFA_REQUIRED: {
    en: 'Enter the code from your authenticator app to use "{profile}".',
    'pt-BR': 'Digite o código do seu aplicativo autenticador para usar "{profile}".',
  },
  MFA_INVALID: {
    en: 'That code was not accepted. Wait for a new code and try again.',
    'pt-BR': 'Esse código não foi aceito. Espere um novo código e tente de novo.',
  },
  SSO_LOGIN_REQUIRED: {
    en: 'Your sign-in for "{profile}" has expired. Sign in again to continue.',
    'pt-BR': 'Seu acesso por "{profile}" expirou. Entre de novo para continuar.',
  },
  SSO_LOGIN_FAILED: {
    en: 'Signing in with AWS SSO did not finish: {reason}.',
    'pt-BR': 'O acesso com AWS SSO não foi concluído: {reason}.',
  },
  CREDENTIALS_EXPIRED: {
    en: 'The credentials for "{profile}" have expired. Refresh them and try again.',
    'pt-BR': 'As credenciais de "{profile}" expiraram. Renove-as e tente de novo.',
  },
  INVALID_ACCESS_KEY: {
    en: 'The access key ID is not recognised by the server. Check that it was copied completely.',
    'pt-BR': 'O servidor não reconhece o ID da chave de acesso. Confira se foi copiado por inteiro.',
  },
  SIGNATURE_MISMATCH: {
    en: 'The secret key is wrong. Copy it again from your provider, enter it in the connection settings and save again.',
    'pt-BR': 'A chave secreta está errada. Copie-a de novo do seu provedor, informe-a nas configurações da conexão e salve de novo.',
  },
  ACCESS_DENIED: {
    en: 'This key is not allowed to do that{where}. Ask your administrator for {permission}.',
    'pt-BR': 'Esta chave não tem permissão para isso{where}. Peça ao administrador a permissão {permission}.',
  },
  ACCESS_DENIED_OR_SECRET: {
    en: 'Access was refused{where}: either the secret key is wrong, or this key lacks {permission}. Check the secret key first, then ask your administrator.',
    'pt-BR': 'O acesso foi recusado{where}: ou a chave secreta está errada, ou esta chave não tem a permissão {permission}. Confira a chave secreta primeiro e depois fale com o administrador.',
  },
  KEYCHAIN_UNAVAILABLE: {
    en: 'The system keychain is not available, so the secret key is kept only until you quit the app.',
    'pt-BR': 'O chaveiro do sistema não está disponível; a chave secreta fica guardada só até você fechar o app.',
  },
  KEYCHAIN_REQUIRED: {
    en: 'The system keychain is not available, so the secret key could not be saved. Unlock your keychain (on Linux, GNOME Keyring or KWallet) and try again.',
    'pt-BR': 'O chaveiro do sistema não está disponível, então a chave secreta não foi salva. Desbloqueie o chaveiro (no Linux, GNOME Keyring ou KWallet) e tente de novo.',
  },
  ENDPOINT_UNREACHABLE: {
    en: 'Could not reach the storage service at {endpoint}. Your internet connection may be fine: check that the service is running and that the address is right.',
    'pt-BR': 'Não foi possível acessar o serviço de armazenamento em {endpoint}. Sua conexão com a internet pode estar funcionando: verifique se o serviço está rodando e se o endereço está certo.',
  },
  HOST_NOT_FOUND: {
    en: 'Could not find {host} on the network. Your internet connection may be down, or the address may be wrong: check both.',
    'pt-BR': 'Não foi possível encontrar {host} na rede. Sua conexão com a internet pode estar fora do ar, ou o endereço pode estar errado: verifique os dois.',
  },
  TLS_UNTRUSTED: {
    en: 'The connection to {endpoint} uses a certificate this computer does not trust. If your company inspects secure connections, set its certificate file as ca_bundle in the profile (or AWS_CA_BUNDLE).',
    'pt-BR': 'A conexão com {endpoint} usa um certificado em que este computador não confia. Se a sua empresa inspeciona conexões seguras, indique o arquivo de certificado dela como ca_bundle no perfil (ou em AWS_CA_BUNDLE).',
  },
  ENDPOINT_NOT_S3: {
    en: 'The address {endpoint} answered, but it is not an S3 storage service.',
    'pt-BR': 'O endereço {endpoint} respondeu, mas não é um serviço de armazenamento S3.',
  },
  TIMEOUT: {
    en: 'The storage service took too long to answer. Try again in a moment.',
    'pt-BR': 'O serviço de armazenamento demorou demais para responder. Tente de novo daqui a pouco.',
  },
  CLOCK_SKEW: {
    en: "Your computer's clock is off by too much. Set the date and time automatically, then try again.",
    'pt-BR': 'O relógio do seu computador está muito errado. Ajuste data e hora automaticamente e tente de novo.',
  },
  WRONG_REGION: {
    en: 'The bucket "{bucket}" is in region {region}. Choose that region for this profile.',
    'pt-BR': 'O bucket "{bucket}" fica na região {region}. Escolha essa região para este perfil.',
  },
  REGION_NOT_OFFERED: {
    en: 'This storage service does not have region {region}; leave the region empty (us-east-1) to let the service choose, or use a region name your provider gives you.',
    'pt-BR': 'Este serviço de armazenamento não tem a região {region}; deixe a região vazia (us-east-1) para o serviço escolher, ou use um nome de região informado pelo seu provedor.',
  },
  REGION_NOT_OFFERED_USE: {
    en: 'This storage service does not have region {region}; leave the region empty (us-east-1) to let the service choose, or use "{known}".',
    'pt-BR': 'Este serviço de armazenamento não tem a região {region}; deixe a região vazia (us-east-1) para o serviço escolher, ou use "{known}".',
  },
  BUCKET_NOT_FOUND: {
    en: 'The bucket "{bucket}" does not exist. Create it, or check its name.',
    'pt-BR': 'O bucket "{bucket}" não existe. Crie-o ou confira o nome.',
  },
  BUCKET_NOT_FOUND_ENDPOINT_PATH: {
    en: 'The bucket "{bucket}" was not found at {endpoint}. An endpoint is usually only the server\'s address, without a path ({origin}): check the endpoint, then the bucket\'s name.',
    'pt-BR': 'O bucket "{bucket}" não foi encontrado em {endpoint}. Um endpoint costuma ser só o endereço do servidor, sem caminho ({origin}): confira o endpoint e depois o nome do bucket.',
  },
  BUCKET_EXISTS: {
    en: 'The name "{bucket}" is already taken. Bucket names are shared by everyone, so choose another.',
    'pt-BR': 'O nome "{bucket}" já está em uso. Nomes de bucket são únicos no mundo todo; escolha outro.',
  },
  BUCKET_NAME_INVALID: {
    en: 'The bucket name "{bucket}" cannot be used: {reason}.',
    'pt-BR': 'O nome de bucket "{bucket}" não pode ser usado: {reason}.',
  },
  KEY_INVALID: {
    en: 'The name "{key}" cannot be used in the bucket: {reason}.',
    'pt-BR': 'O nome "{key}" não pode ser usado no bucket: {reason}.',
  },
  NAME_EXISTS: {
    en: 'There is already something named "{key}" in the bucket "{bucket}". Choose another name, or choose to replace it.',
    'pt-BR': 'Já existe algo chamado "{key}" no bucket "{bucket}". Escolha outro nome ou escolha substituir.',
  },
  NAME_EXISTS_OVERWRITE: {
    en: 'There is already something named "{key}" in the bucket "{bucket}". Choose another name, or add --overwrite to replace it.',
    'pt-BR': 'Já existe algo chamado "{key}" no bucket "{bucket}". Escolha outro nome ou use --overwrite para substituir.',
  },
  UPLOAD_SAME_KEY: {
    en: '"{path}" and "{other}" would both be saved as "{key}" in the bucket, and one would replace the other, so "{path}" was left out and "{other}" is sent. Rename one of them, upload them to different folders, or set same-name files to "Keep both".',
    'pt-BR': '"{path}" e "{other}" seriam salvos com o mesmo nome "{key}" no bucket, e um substituiria o outro, por isso "{path}" ficou de fora e "{other}" é enviado. Renomeie um deles, envie-os para pastas diferentes ou escolha "Manter os dois" para arquivos com o mesmo nome.',
  },
  OBJECT_NOT_FOUND: {
    en: 'There is no file or folder named "{key}" in the bucket "{bucket}". It may have been moved or deleted.',
    'pt-BR': 'Não existe arquivo nem pasta chamado "{key}" no bucket "{bucket}". Talvez tenha sido movido ou apagado.',
  },
  FOLDER_NEEDS_RECURSIVE_RM: {
    en: '"{key}" in the bucket "{bucket}" is a folder: add --recursive to delete it and everything in it.',
    'pt-BR': '"{key}" no bucket "{bucket}" é uma pasta: use --recursive para apagá-la com tudo o que tem dentro.',
  },
  FOLDER_NEEDS_RECURSIVE_MV: {
    en: '"{key}" in the bucket "{bucket}" is a folder: add --recursive to move it and everything in it.',
    'pt-BR': '"{key}" no bucket "{bucket}" é uma pasta: use --recursive para movê-la com tudo o que tem dentro.',
  },
  MOVE_INTO_ITSELF: {
    en: 'The folder "{key}" cannot be moved into itself. Choose a place outside it.',
    'pt-BR': 'A pasta "{key}" não pode ser movida para dentro dela mesma. Escolha um lugar fora dela.',
  },
  COPY_NOT_VERIFIED: {
    en: 'The copy of "{key}" at "{destKey}" did not match the original, so the original was kept where it was. Try again.',
    'pt-BR': 'A cópia de "{key}" em "{destKey}" não bateu com o original, então o original ficou onde estava. Tente de novo.',
  },
  NOT_DELETED_MARKER: {
    en: '"{key}" has no deletion to undo (that version is not a delete marker), so nothing was changed.',
    'pt-BR': '"{key}" não tem exclusão para desfazer (essa versão não é um marcador de exclusão), então nada foi alterado.',
  },
  METADATA_KEY_INVALID: {
    en: 'The metadata name "{key}" cannot be used: names may have only letters, digits, "-" and "_" (no spaces or accents).',
    'pt-BR': 'O nome de metadado "{key}" não pode ser usado: nomes só podem ter letras, dígitos, "-" e "_" (sem espaços nem acentos).',
  },
  METADATA_KEY_RESERVED: {
    en: 'The metadata name "{key}" is reserved for S3 Drop\'s own checks. Choose a name that does not start with "s3drop-".',
    'pt-BR': 'O nome de metadado "{key}" é reservado para as verificações do próprio S3 Drop. Escolha um nome que não comece com "s3drop-".',
  },
  METADATA_KEY_TWICE: {
    en: 'The metadata name "{key}" appears twice (S3 ignores upper and lower case in names). Keep one of them.',
    'pt-BR': 'O nome de metadado "{key}" aparece duas vezes (o S3 não diferencia maiúsculas de minúsculas nos nomes). Mantenha só um.',
  },
  METADATA_VALUE_INVALID: {
    en: 'The value of "{key}" cannot be stored: metadata values may have only plain letters, digits, spaces and punctuation (no accents, emoji or line breaks).',
    'pt-BR': 'O valor de "{key}" não pode ser gravado: valores de metadados só podem ter letras sem acento, dígitos, espaços e pontuação (sem acentos, emojis nem quebras de linha).',
  },
  METADATA_TOO_LARGE: {
    en: 'The metadata takes {bytes} bytes, and S3 allows at most {max} bytes for names and values together (2 KB). Shorten or remove some.',
    'pt-BR': 'Os metadados ocupam {bytes} bytes, e o S3 permite no máximo {max} bytes para nomes e valores juntos (2 KB). Encurte ou remova alguns.',
  },
  VERSION_NOT_FOUND: {
    en: 'The version {versionId} of "{key}" no longer exists, so it cannot be restored. Refresh the list of versions.',
    'pt-BR': 'A versão {versionId} de "{key}" não existe mais, então não pode ser restaurada. Atualize a lista de versões.',
  },
  VERSION_ID_NOT_FOUND: {
    en: 'The file "{key}" in the bucket "{bucket}" has no version {versionId}. Check the version ID.',
    'pt-BR': 'O arquivo "{key}" no bucket "{bucket}" não tem a versão {versionId}. Confira o ID da versão.',
  },
  VERSION_NEEDS_ONE_FILE: {
    en: 'An older version can be downloaded only for one file at a time, not for several files or a folder. Choose a single file.',
    'pt-BR': 'Uma versão anterior só pode ser baixada de um arquivo por vez, não de vários arquivos nem de uma pasta. Escolha um único arquivo.',
  },
  S3_URL_INVALID: {
    en: '"{url}" is not a bucket address. Write it as s3://bucket or s3://bucket/folder.',
    'pt-BR': '"{url}" não é um endereço de bucket. Escreva como s3://bucket ou s3://bucket/pasta.',
  },
  FILE_NOT_FOUND: {
    en: 'The file {path} no longer exists. It may have been moved or deleted.',
    'pt-BR': 'O arquivo {path} não existe mais. Talvez tenha sido movido ou apagado.',
  },
  PATH_NOT_FOUND: {
    en: 'There is no file or folder at {path}. Check the path.',
    'pt-BR': 'Não existe arquivo nem pasta em {path}. Confira o caminho.',
  },
  FILE_UNREADABLE: {
    en: 'The file {path} cannot be read. Check that you have permission to open it.',
    'pt-BR': 'O arquivo {path} não pode ser lido. Verifique se você tem permissão para abri-lo.',
  },
  FILE_CHANGED: {
    en: 'The file {path} changed while it was being uploaded, so that copy was not kept. Upload it again once it stops changing.',
    'pt-BR': 'O arquivo {path} mudou durante o envio, então essa cópia foi descartada. Envie-o de novo quando ele parar de mudar.',
  },
  NOT_A_FILE: {
    en: '{path} is not a file or a folder that can be uploaded.',
    'pt-BR': '{path} não é um arquivo nem uma pasta que possa ser enviada.',
  },
  CHECKSUM_MISMATCH: {
    en: 'The bytes that arrived for {path} did not match the file, so nothing was kept as complete. Try again.',
    'pt-BR': 'Os bytes que chegaram de {path} não bateram com o arquivo, então nada foi guardado como completo. Tente de novo.',
  },
  OBJECT_CHANGED: {
    en: 'The file {key} changed in the bucket while it was being downloaded, so the partial copy was not kept. Download it again to get the new version.',
    'pt-BR': 'O arquivo {key} mudou no bucket durante o download, então a cópia parcial foi descartada. Baixe de novo para ter a versão nova.',
  },
  DOWNLOAD_MISMATCH: {
    en: 'The downloaded copy of {key} did not match the one in the bucket, so it was not kept. Try again; if it happens again, the copy in the bucket may be damaged.',
    'pt-BR': 'A cópia baixada de {key} não bateu com a do bucket e foi descartada. Tente de novo; se acontecer outra vez, a cópia no bucket pode estar danificada.',
  },
  FOLDER_NOT_WRITABLE: {
    en: 'The app cannot save files in {path}. Check that the folder exists and that you may save files there.',
    'pt-BR': 'O app não consegue salvar arquivos em {path}. Verifique se a pasta existe e se você pode salvar arquivos nela.',
  },
  OBJECT_TOO_LARGE: {
    en: 'The file {path} is larger than 5 TiB, the most that S3 can store in one object.',
    'pt-BR': 'O arquivo {path} tem mais de 5 TiB, o máximo que o S3 guarda em um objeto.',
  },
  DISK_FULL: {
    en: 'The disk is full, so the app could not save its progress. Free some space and try again.',
    'pt-BR': 'O disco está cheio e o app não conseguiu salvar o progresso. Libere espaço e tente de novo.',
  },
  JOURNAL_CORRUPT: {
    en: 'The list of pending uploads was damaged and has been rebuilt. Files that were in progress may need to be added again.',
    'pt-BR': 'A lista de envios pendentes estava danificada e foi refeita. Arquivos em andamento talvez precisem ser adicionados de novo.',
  },
  SETTINGS_CORRUPT: {
    en: 'Your settings file was damaged, so the defaults are in use. The old file was kept as {path}.',
    'pt-BR': 'O arquivo de configurações estava danificado, então os padrões estão em uso. O arquivo antigo foi guardado em {path}.',
  },
  EXISTING_NEEDS_ANSWER: {
    en: '"{name}" is already in {where}. Choose whether to replace it, skip it if it is the same, or keep both.',
    'pt-BR': '"{name}" já está em {where}. Escolha se quer substituir, pular se for igual ou manter os dois.',
  },
  CANCELLED: {
    en: 'The upload was cancelled.',
    'pt-BR': 'O envio foi cancelado.',
  },
  TRANSFER_NOT_FOUND: {
    en: 'That upload is no longer in the list.',
    'pt-BR': 'Esse envio não está mais na lista.',
  },
  SERVER_ERROR: {
    en: 'The storage service had a problem ({status}). Try again in a few minutes.',
    'pt-BR': 'O serviço de armazenamento teve um problema ({status}). Tente de novo em alguns minutos.',
  },
  SLOW_DOWN: {
    en: 'The storage service asked the app to slow down. Try again in a few minutes.',
    'pt-BR': 'O serviço de armazenamento pediu para o app ir mais devagar. Tente de novo em alguns minutos.',
  },
  NETWORK: {
    en: 'The connection was interrupted. Check your connection, then try again.',
    'pt-BR': 'A conexão foi interrompida. Verifique sua conexão e tente de novo.',
  },
  ENGINE_UNREACHABLE: {
    en: 'Lost contact with S3 Drop. The page reconnects by itself when S3 Drop is running again.',
    'pt-BR': 'Perdemos o contato com o S3 Drop. A página se reconecta sozinha quando o S3 Drop voltar a rodar.',
  },
  NETWORK_WAIT_EXPIRED: {
    en: '{endpoint} did not answer for {seconds} seconds, so the upload stopped. Check your connection and try again.',
    'pt-BR': '{endpoint} não respondeu por {seconds} segundos, então o envio parou. Verifique sua conexão e tente de novo.',
  },
  SYNC_FOLDER_MISSING: {
    en: 'The folder {path} is missing or empty (is the drive connected?). Nothing was deleted.',
    'pt-BR': 'A pasta {path} sumiu ou está vazia (o disco está conectado?). Nada foi apagado.',
  },
  SYNC_FOLDER_GONE: {
    en: 'The folder {path} is missing (is the drive connected?).',
    'pt-BR': 'A pasta {path} sumiu (o disco está conectado?).',
  },
  NOT_A_FOLDER: {
    en: '{path} is a file, not a folder. Sync keeps a folder up to date; to send one file, upload it.',
    'pt-BR': '{path} é um arquivo, não uma pasta. A sincronização mantém uma pasta em dia; para mandar um só arquivo, envie-o.',
  },
  FOLDER_NOT_FOUND: {
    en: 'There is no folder at {path}. Check the spelling, or choose it with “Browse…”.',
    'pt-BR': 'Não existe uma pasta em {path}. Confira o nome ou escolha a pasta em “Procurar…”.',
  },
  FOLDER_OUTSIDE_HOME: {
    en: '{path} is outside your home folder. In the browser, S3 Drop only works with files and folders inside your home folder.',
    'pt-BR': '{path} fica fora da sua pasta pessoal. No navegador, o S3 Drop só trabalha com arquivos e pastas dentro da sua pasta pessoal.',
  },
  SYNC_BRAKE: {
    en: 'This sync would delete {count} files ({percent}% of the folder). It was stopped so you can confirm.',
    'pt-BR': 'Esta sincronização apagaria {count} arquivos ({percent}% da pasta). Ela foi parada para você confirmar.',
    one: {
      en: 'This sync would delete {count} file ({percent}% of the folder). It was stopped so you can confirm.',
      'pt-BR': 'Esta sincronização apagaria {count} arquivo ({percent}% da pasta). Ela foi parada para você confirmar.',
    },
  },
  SYNC_PAIR_EXISTS: {
    en: '{folder} is already synced to this place. Change the folder or the place, or use the pair that is there.',
    'pt-BR': '{folder} já está sincronizada com este lugar. Mude a pasta ou o lugar, ou use o par que já existe.',
  },
  SYNC_PAIR_NOT_FOUND: {
    en: 'That synced folder is no longer in the list.',
    'pt-BR': 'Essa pasta sincronizada não está mais na lista.',
  },
  SYNC_UPLOADS_FAILED: {
    en: '{count} files could not be uploaded, so no files were deleted from the bucket in this sync. Sync again once the problem shown for those files is solved.',
    'pt-BR': '{count} arquivos não puderam ser enviados, então nada foi apagado do bucket nesta sincronização. Sincronize de novo depois de resolver o problema mostrado para esses arquivos.',
    one: {
      en: '{count} file could not be uploaded, so no files were deleted from the bucket in this sync. Sync again once the problem shown for that file is solved.',
      'pt-BR': '{count} arquivo não pôde ser enviado, então nada foi apagado do bucket nesta sincronização. Sincronize de novo depois de resolver o problema mostrado para esse arquivo.',
    },
  },
  SYNC_INDEX_REBUILT: {
    en: 'The sync records for {path} were damaged and have been rebuilt by checking the folder again. No files were changed.',
    'pt-BR': 'Os registros de sincronização de {path} estavam danificados e foram refeitos conferindo a pasta de novo. Nenhum arquivo foi alterado.',
  },
  TAG_NOT_KEY_VALUE: {
    en: 'The tag "{tag}" has no "=": tags are written KEY=VALUE, such as --tag team=data (KEY= for an empty value).',
    'pt-BR': 'A tag "{tag}" não tem "=": tags são escritas como CHAVE=VALOR, por exemplo --tag team=data (CHAVE= para um valor vazio).',
  },
  TEMPLATE_INVALID: {
    en: 'The name pattern cannot be used: {reason}.',
    'pt-BR': 'O padrão de nome não pode ser usado: {reason}.',
  },
  CSV_INVALID: {
    en: 'The file {path} could not be read as a table: {reason}.',
    'pt-BR': 'O arquivo {path} não pôde ser lido como tabela: {reason}.',
  },
  NOT_SUPPORTED: {
    en: 'This is not available here: {what}.',
    'pt-BR': 'Isto não está disponível aqui: {what}.',
  },
  CLI_USAGE: {
    en: '{reason}. Run "s3-drop {command} --help" to see how to use it.',
    'pt-BR': '{reason}. Rode "s3-drop {command} --help" para ver como usar.',
  },
  NODE_TOO_OLD: {
    en: 'S3 Drop needs Node {minimum} or newer, and this is Node {version}. Install a newer Node (nodejs.org), then run the command again.',
    'pt-BR': 'O S3 Drop precisa do Node {minimum} ou mais novo, e este é o Node {version}. Instale um Node mais novo (nodejs.org) e rode o comando de novo.',
  },
  REMOTE_BIND_REFUSED: {
    en: 'S3 Drop will not listen on {host}, because other computers could reach it. Add --allow-remote if that is really what you want.',
    'pt-BR': 'O S3 Drop não vai escutar em {host}, porque outros computadores poderiam acessá-lo. Use --allow-remote se é isso mesmo que você quer.',
  },
  PORT_IN_USE: {
    en: 'Port {port} is already in use. Choose another with --port, or leave it out to use any free port.',
    'pt-BR': 'A porta {port} já está em uso. Escolha outra com --port, ou não informe para usar qualquer porta livre.',
  },
  SPOOL_FILE_GONE: {
    en: 'The copy of {name} that was dropped on this page is gone, so it cannot be sent. Drop the file again.',
    'pt-BR': 'A cópia de {name} que foi solta nesta página não existe mais, então não pode ser enviada. Solte o arquivo de novo.',
  },
  INTERRUPTED: {
    en: 'Stopped. Run the same command again to continue where it left off.',
    'pt-BR': 'Parado. Rode o mesmo comando de novo para continuar de onde parou.',
  },
} as const satisfies Record<string, CatalogueTexts & { one?: CatalogueTexts }>;

/** A stable error code; the key of the catalogue above. */
export type ErrorCode = keyof typeof errorCatalogue;

/** A language the app speaks. */
export type Language = 'en' | 'pt-BR';

/** The serialisable shape of an error, as it crosses a transport. */
export interface AppErrorData {
  code: ErrorCode;
  /** The English text, already filled in, for logs and the CLI. */
  message: string;
  params?: Record<string, string | number>;
  /** True when trying again later may succeed (network, throttling, 5xx). */
  retryable?: boolean;
  /** Technical detail (an S3 error code, an HTTP status), folded away in the UI. Never a secret. */
  details?: string;
}

/** Fills `{name}` placeholders; unknown ones are left as they are so a missing param is visible. */
export function fillText(text: string, params: Record<string, string | number> = {}): string {
  // A name's control characters are shown as escapes: a message must not hide part of the name it is about.
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? visibleText(params[name]!) : whole));
}

/**
 * The `{where}` of the access errors, made from a `resource` param ("bucket/folder/*") in each language: the
 * engine once sent `where` as English text, which the Portuguese sentence showed as "... isso on bucket/*".
 */
const whereTexts: CatalogueTexts = { en: ' on {resource}', 'pt-BR': ' em {resource}' };

/** Renders an error code in a language (its `one` text when the params count exactly one). */
export function errorText(code: ErrorCode, lang: Language = 'en', params?: Record<string, string | number>): string {
  const entry: CatalogueTexts & { one?: CatalogueTexts } = errorCatalogue[code] ?? errorCatalogue.UNKNOWN;
  const texts = entry.one && params !== undefined && Number(params.count) === 1 ? entry.one : entry;
  const filled = params !== undefined && 'resource' in params ? { ...params, where: params.resource === '' ? '' : fillText(whereTexts[lang], params) } : params;
  return fillText(texts[lang], filled);
}

/** An error that carries a code from the catalogue; throw it anywhere in the engine. */
export class AppError extends Error {
  /** Builds the error with its English text filled in. */
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
    readonly options: { retryable?: boolean; details?: string; cause?: unknown } = {},
  ) {
    super(errorText(code, 'en', params), { cause: options.cause });
    this.name = 'AppError';
  }

  /** The serialisable form that crosses IPC and WebSocket. */
  toData(): AppErrorData {
    const data: AppErrorData = { code: this.code, message: this.message };
    if (Object.keys(this.params).length > 0) data.params = this.params;
    if (this.options.retryable !== undefined) data.retryable = this.options.retryable;
    if (this.options.details !== undefined) data.details = this.options.details;
    return data;
  }
}

/**
 * Failures that running the same transfer again cannot fix, so no Retry is offered for them: the file is gone or is
 * no file (browser mode's dropped copy too, which says "drop it again"), the key or bucket name was refused before
 * anything was sent (both are fixed at enqueue, so a retry sends the same refused name), the file is bigger than S3
 * takes, or its content cannot be read as the table its options need. Everything else (access, a missing bucket, a
 * full disk, the network) may work once the person or the service has changed something, so Retry stays.
 */
const RETRY_CANNOT_HELP: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'FILE_NOT_FOUND',
  'NOT_A_FILE',
  'SPOOL_FILE_GONE',
  'BUCKET_NAME_INVALID',
  'KEY_INVALID',
  'TEMPLATE_INVALID',
  'OBJECT_TOO_LARGE',
  'CSV_INVALID',
  'INVALID_INPUT',
]);

/** True when trying a failed (or cancelled) transfer again can succeed, judged by its error code. */
export function retryCanWork(error: Pick<AppErrorData, 'code'> | undefined): boolean {
  return !error || !RETRY_CANNOT_HELP.has(error.code);
}

/** Turns anything thrown into error data, hiding unknown exception text behind UNKNOWN. */
export function toErrorData(err: unknown): AppErrorData {
  if (err instanceof AppError) return err.toData();
  const details = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { code: 'UNKNOWN', message: errorText('UNKNOWN'), details };
}
