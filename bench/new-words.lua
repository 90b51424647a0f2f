-- wrk: searches for words nobody searched for before. Each request searches for two
-- different words drawn at random from those given after `--` (bench/search.sh takes 200
-- from commitments' titles: about 40,000 pairs), so that almost none finds its words kept
-- by the app server (it keeps 64 searches' words, and 256 whole searches): each finds,
-- ranks and counts.
local words = {}

function init(args)
  words = args
  -- Each wrk thread has its own Lua state: seed each differently.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
end

function request()
  local first = math.random(#words)
  -- Another word: one of the others, each as likely.
  local second = math.random(#words - 1)
  if second >= first then
    second = second + 1
  end
  return wrk.format(nil, "/search?q=" .. words[first] .. "+" .. words[second])
end
